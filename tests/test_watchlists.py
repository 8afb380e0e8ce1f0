"""Watchlist formats: byte-exact files for every text format, read-back for XLSX and Parquet.

Expected bytes are written out by hand here, never produced by the code under test. XLSX files
carry zip timestamps (and Parquet files the writer's version), so those two are checked by
reading them back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from npf_screen.core.errors import OutputError
from npf_screen.outputs.watchlists.codes import validate_codes
from npf_screen.outputs.watchlists.terminals import blocknew_record, register_block
from npf_screen.outputs.watchlists.writer import (
    FORMATS,
    commit,
    plan_watchlist,
    write_candidates,
    write_watchlist,
)

# Shenzhen main board, ChiNext, Shanghai, STAR, Beijing (old 8xxxxx and new 920xxx), Shenzhen 002.
CODES = ["000001", "300750", "600519", "688981", "830799", "920001", "002594"]


def frame(codes: list[str] = CODES) -> pd.DataFrame:
    return pd.DataFrame({"code": codes, "name": [f"公司{c}" for c in codes]})


def written(tmp_path: Path, fmt: str, file: str, data: pd.DataFrame | None = None, **kw) -> bytes:
    path = write_watchlist(frame() if data is None else data, fmt, tmp_path / file, **kw)
    return path.read_bytes()


def test_tdx_blk_market_digit_and_code_crlf(tmp_path: Path) -> None:
    expected = b"0000001\r\n0300750\r\n1600519\r\n1688981\r\n2830799\r\n2920001\r\n0002594\r\n"
    assert written(tmp_path, "tdx", "NPF.blk") == expected


def test_ebk_empty_first_line_then_seven_digit_codes(tmp_path: Path) -> None:
    # 东方财富 numbers Beijing like Shenzhen (market 0).
    expected = b"\r\n0000001\r\n0300750\r\n1600519\r\n1688981\r\n0830799\r\n0920001\r\n0002594\r\n"
    assert written(tmp_path, "ebk", "npf.ebk") == expected


def test_em_one_code_per_line(tmp_path: Path) -> None:
    expected = b"000001\r\n300750\r\n600519\r\n688981\r\n830799\r\n920001\r\n002594\r\n"
    assert written(tmp_path, "em", "em.txt") == expected


def test_ths_exchange_prefixed_codes(tmp_path: Path) -> None:
    expected = b"SZ000001\r\nSZ300750\r\nSH600519\r\nSH688981\r\nBJ830799\r\nBJ920001\r\nSZ002594\r\n"
    assert written(tmp_path, "ths", "ths.txt") == expected


def test_terminal_formats_drop_duplicates_keep_first_order(tmp_path: Path) -> None:
    data = frame(["600519", "000001", "600519"])
    assert written(tmp_path, "tdx", "A.blk", data) == b"1600519\r\n0000001\r\n"
    assert written(tmp_path, "ebk", "a.ebk", data) == b"\r\n1600519\r\n0000001\r\n"


def test_empty_watchlists(tmp_path: Path) -> None:
    empty = frame([])
    assert written(tmp_path, "tdx", "E.blk", empty) == b""
    assert written(tmp_path, "ebk", "e.ebk", empty) == b"\r\n"
    assert written(tmp_path, "em", "e.txt", empty) == b""


def test_csv_utf8_bom_header_crlf(tmp_path: Path) -> None:
    data = pd.DataFrame(
        {
            "code": ["000001", "600519"],
            "name": ["平安银行", "贵州茅台"],
            "score": [85.5, float("nan")],
            "rank": [1, 2],
            "evidence_summary": ["光刻胶[products +40]; a,b", ""],
        }
    )
    expected = (
        b"\xef\xbb\xbf"
        b"code,name,score,rank,evidence_summary\r\n"
        b"000001," + "平安银行".encode() + b',85.5,1,"' + "光刻胶".encode() + b'[products +40]; a,b"\r\n'
        b"600519," + "贵州茅台".encode() + b",,2,\r\n"
    )
    assert written(tmp_path, "csv", "w.csv", data) == expected


def test_json_is_a_list_of_rows_as_every_json_table(tmp_path: Path) -> None:
    data = pd.DataFrame({"code": ["920001"], "name": ["北交"], "score": [12.0], "since": [pd.NA]})
    expected = (
        '[\n  {\n    "code": "920001",\n    "name": "北交",\n    "score": 12.0,\n    "since": null\n  }\n]\n'
    ).encode()
    assert written(tmp_path, "json", "w.json", data, name="新质") == expected
    from npf_screen.outputs.table_writer import write_table

    write_table(data, "json", tmp_path / "t.json")  # screen/explain/run output: the same bytes
    assert (tmp_path / "t.json").read_bytes() == expected
    back = pd.read_json(tmp_path / "w.json", dtype={"code": str})
    assert back["code"].tolist() == ["920001"] and back["name"].tolist() == ["北交"]


def test_csv_files_carry_a_bom_and_stdout_none(tmp_path: Path) -> None:
    """One convention for screen -o, run watchlists and every CSV file: UTF-8 BOM + CRLF."""
    from npf_screen.outputs.table_writer import write_table

    data = pd.DataFrame({"code": ["000001"], "name": ["平安银行"], "score": [85.5]})
    write_table(data, "csv", tmp_path / "screen.csv")
    assert (tmp_path / "screen.csv").read_bytes() == written(tmp_path, "csv", "w.csv", data)
    assert (tmp_path / "screen.csv").read_bytes().startswith(b"\xef\xbb\xbfcode,name,score\r\n")
    assert write_table(data, "csv").startswith("code,name,score\r\n")


def test_blocknew_record_gbk_name_50_bytes_stem_70_bytes() -> None:
    expected = (
        b"\xd0\xc2\xd6\xca\xbf\xa8\xb2\xb1\xd7\xd3"  # 新质卡脖子 in GBK
        + b"\x00" * 40
        + b"NPFCP"
        + b"\x00" * 65
    )
    assert blocknew_record("新质卡脖子", "NPFCP") == expected
    assert len(expected) == 120


def test_register_updates_matching_stem_in_place_and_keeps_others(tmp_path: Path) -> None:
    other = b"ABC" + b"\x00" * 47 + b"OTHER" + b"\x00" * 65
    old = b"old" + b"\x00" * 47 + b"npfcp" + b"\x00" * 65  # stems compare case-insensitively
    cfg = tmp_path / "blocknew.cfg"
    cfg.write_bytes(other + old)
    write_watchlist(frame(["600519"]), "tdx", tmp_path / "NPFCP.blk", name="卡脖子", register=True)
    new = b"\xbf\xa8\xb2\xb1\xd7\xd3" + b"\x00" * 44 + b"NPFCP" + b"\x00" * 65
    assert cfg.read_bytes() == other + new
    assert (tmp_path / "NPFCP.blk").read_bytes() == b"1600519\r\n"


def test_register_appends_a_new_block() -> None:
    assert register_block(b"", "A", "AA") == b"A" + b"\x00" * 49 + b"AA" + b"\x00" * 68


def test_register_refuses_a_malformed_cfg_and_leaves_everything(tmp_path: Path) -> None:
    cfg = tmp_path / "blocknew.cfg"
    cfg.write_bytes(b"x" * 121)
    with pytest.raises(OutputError, match="121 bytes"):
        write_watchlist(frame(), "tdx", tmp_path / "NPF.blk", register=True)
    assert cfg.read_bytes() == b"x" * 121
    assert not (tmp_path / "NPF.blk").exists()


@pytest.mark.parametrize("name", ["", " ", "a\x00b"])
def test_empty_block_names_are_refused(name: str) -> None:
    with pytest.raises(OutputError):
        blocknew_record(name, "NPF")


def test_long_block_names_are_cut_at_a_character_boundary_to_49_bytes() -> None:
    assert blocknew_record("新" * 24 + "ab", "NPF")[:50] == "新".encode("gbk") * 24 + b"a\x00"
    assert blocknew_record("a" + "新" * 25, "NPF")[:50] == b"a" + "新".encode("gbk") * 24 + b"\x00"
    assert blocknew_record("€uro", "NPF")[:5] == b"?uro\x00"  # GBK has no euro sign


def test_bad_block_stems_are_refused() -> None:
    for stem in ("", "新质", "a-b", "x" * 65):
        with pytest.raises(OutputError, match="letters, digits"):
            blocknew_record("名", stem)


def test_main_watchlist_zxg_is_never_overwritten_unless_asked(tmp_path: Path) -> None:
    main = tmp_path / "ZXG.blk"
    main.write_bytes(b"1600000\r\n")
    with pytest.raises(OutputError, match="main 自选股"):
        write_watchlist(frame(), "tdx", tmp_path / "zxg.blk")
    assert main.read_bytes() == b"1600000\r\n"
    write_watchlist(frame(["000001"]), "tdx", main, overwrite_main=True, register=True)
    assert main.read_bytes() == b"0000001\r\n"
    assert not (tmp_path / "blocknew.cfg").exists()  # the main list needs no registration


@pytest.mark.parametrize(
    "bad", ["12345", "1234567", "100001", "500001", "700001", "abcdef", 1, None, "60051９"]
)
def test_invalid_codes_are_refused_before_writing(tmp_path: Path, bad: object) -> None:
    target = tmp_path / "x.blk"
    with pytest.raises(OutputError, match="invalid stock code"):
        write_watchlist(pd.DataFrame({"code": ["600519", bad]}), "tdx", target)
    assert not target.exists()


def test_validate_codes_lists_every_bad_code() -> None:
    with pytest.raises(OutputError) as info:
        validate_codes(["600519", "1", "x"])
    assert "row 2: '1'" in str(info.value) and "row 3: 'x'" in str(info.value)


def test_paths_outside_the_output_dir_are_refused(tmp_path: Path) -> None:
    base = tmp_path / "out"
    base.mkdir()
    (base / "link").symlink_to(tmp_path)
    for path in ("../escape.csv", str(tmp_path / "abs.csv"), "link/escape.csv"):
        with pytest.raises(OutputError, match="outside the output directory"):
            write_watchlist(frame(), "csv", path, base_dir=base)
    assert write_watchlist(frame(), "csv", "sub/ok.csv", base_dir=base) == (base / "sub" / "ok.csv").resolve()
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "abs.csv").exists()


def test_format_and_suffix_checks(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="unknown watchlist format"):
        write_watchlist(frame(), "xls", tmp_path / "a.xls")
    with pytest.raises(OutputError, match=r"\*\.blk"):
        write_watchlist(frame(), "tdx", tmp_path / "a.txt")
    with pytest.raises(OutputError, match="letters, digits"):
        write_watchlist(frame(), "tdx", tmp_path / "新质.blk")


def test_commit_is_all_or_nothing(tmp_path: Path) -> None:
    keep = tmp_path / "a.txt"
    keep.write_bytes(b"old\r\n")
    plans = plan_watchlist(frame(["600519"]), "em", keep)
    plans += plan_watchlist(frame(["000001"]), "parquet", tmp_path / "missing_dir_is_a_file" / "b.parquet")
    (tmp_path / "missing_dir_is_a_file").write_text("not a directory")
    with pytest.raises(OutputError, match="nothing was replaced"):  # the path is the user's choice: exit 2
        commit(plans)
    assert keep.read_bytes() == b"old\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "missing_dir_is_a_file"]


def test_parquet_reads_back_with_text_codes(tmp_path: Path) -> None:
    path = write_watchlist(frame(), "parquet", tmp_path / "w.parquet")
    back = pd.read_parquet(path)
    assert back["code"].tolist() == CODES
    assert back["name"].tolist() == frame()["name"].tolist()


def test_xlsx_sheet_per_theme_with_evidence(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = pd.DataFrame(
        {
            "code": ["688981", "600519", "000001"],
            "name": ["中芯国际", "贵州茅台", "平安银行"],
            "theme": ["cp_high_end_chips", "cp_high_end_chips", "cp_eda"],
            "score": [80.0, 40.5, 20.0],
            "rank": [1, 2, 1],
        }
    )
    evidence = pd.DataFrame(
        {
            "code": ["688981", "688981", "300750"],
            "theme": ["cp_high_end_chips", "cp_high_end_chips", "cp_eda"],
            "term": ["晶圆", "芯片", "unrelated"],
            "points": [40.0, 40.0, 5.0],
        }
    )
    path = write_watchlist(data, "xlsx", tmp_path / "w.xlsx", evidence=evidence)
    book = load_workbook(path)
    assert book.sheetnames == ["cp_high_end_chips", "cp_eda", "evidence"]
    rows = [list(r) for r in book["cp_high_end_chips"].iter_rows(values_only=True)]
    assert rows == [
        ["code", "name", "theme", "score", "rank"],
        ["688981", "中芯国际", "cp_high_end_chips", 80, 1],
        ["600519", "贵州茅台", "cp_high_end_chips", 40.5, 2],
    ]
    assert book["cp_high_end_chips"]["A2"].data_type == "s"  # codes stay text
    ev = [list(r) for r in book["evidence"].iter_rows(values_only=True)]
    assert ev == [
        ["code", "theme", "term", "points"],
        ["688981", "cp_high_end_chips", "晶圆", 40],
        ["688981", "cp_high_end_chips", "芯片", 40],
    ]


def test_write_candidates_takes_a_result_or_a_frame(tmp_path: Path) -> None:
    class Result:
        candidates = pd.DataFrame(
            {"code": ["600519", "000001", "300750"], "theme": ["t", "t", "t"], "rank": [1, 2, 3]}
        )
        evidence = pd.DataFrame({"code": ["600519"], "theme": ["t"], "term": ["x"]})

    path = write_candidates(Result(), "tdx", tmp_path / "T.blk", top=2)
    assert path.read_bytes() == b"1600519\r\n0000001\r\n"
    path = write_candidates(Result.candidates, "em", tmp_path / "c.txt")
    assert path.read_bytes() == b"600519\r\n000001\r\n300750\r\n"
    write_candidates(Result(), "xlsx", tmp_path / "r.xlsx")
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / "r.xlsx").sheetnames == ["t", "evidence"]


def test_every_format_writes_atomically_without_temporaries(tmp_path: Path) -> None:
    suffix = {"tdx": "X.blk", "ebk": "x.ebk", "xlsx": "x.xlsx"}
    for fmt in FORMATS:
        out = tmp_path / fmt
        write_watchlist(frame(), fmt, out / suffix.get(fmt, f"x.{fmt}"))
        assert [p.name for p in out.iterdir()] == [suffix.get(fmt, f"x.{fmt}")]
    doc = json.loads((tmp_path / "json" / "x.json").read_text(encoding="utf-8"))
    assert [row["code"] for row in doc] == frame()["code"].tolist()


# ------------------------------------------------------------------ read back by outside readers
# pytdx's reader opens the block files without closing them (a ResourceWarning when they are collected).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
def test_tdx_blocks_read_back_with_pytdx(tmp_path: Path) -> None:
    """pytdx's CustomerBlockReader (a reader we did not write) sees our blocknew.cfg and .blk files
    exactly: block names (GBK), file stems, codes in order. No lock file is left in the folder."""
    from pytdx.reader import CustomerBlockReader
    from pytdx.reader.block_reader import BlockReader_TYPE_GROUP

    folder = tmp_path / "blocknew"
    long_name = "高端芯片（处理器/AI/存储/FPGA/射频/高端模拟）与先进制造"
    write_watchlist(frame(CODES[:4]), "tdx", folder / "NPFA.blk", name="新质卡脖子", register=True)
    with pytest.warns(UserWarning, match="registered as '高端芯片与先进制造'"):
        write_watchlist(frame(CODES[3:]), "tdx", folder / "NPFB.blk", name=long_name, register=True)
    got = CustomerBlockReader().get_df(str(folder), BlockReader_TYPE_GROUP)
    assert got["blockname"].tolist() == ["新质卡脖子", "高端芯片与先进制造"]
    assert got["block_type"].tolist() == ["NPFA", "NPFB"]
    assert got["code_list"].tolist() == [",".join(CODES[:4]), ",".join(CODES[3:])]
    assert sorted(p.name for p in folder.iterdir()) == ["NPFA.blk", "NPFB.blk", "blocknew.cfg"]


def test_tdx_market_digits_follow_the_terminals_numbering(tmp_path: Path) -> None:
    """The .blk market digit is 通达信's market number: pytdx's MARKET_SZ (0) and MARKET_SH (1), and
    2 for Beijing — 920xxx included. Readers that guess the market from the first digit ('9' →
    Shanghai) predate the move of every Beijing code to 920xxx (2025-10-08); see README
    "Watchlists for trading terminals" for the sources."""
    from pytdx.params import TDXParams

    lines = written(tmp_path, "tdx", "NPF.blk", frame(["000001", "600519", "920001", "830799"])).split()
    digits = {line[1:].decode(): int(line[:1]) for line in lines}
    assert digits == {"000001": TDXParams.MARKET_SZ, "600519": TDXParams.MARKET_SH, "920001": 2, "830799": 2}
