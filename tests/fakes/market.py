"""The synthetic market behind the fake akshare: deterministic companies with every fact any endpoint shows.

Industries (with their Eastmoney label, Shenwan code, products and concepts), provinces and cities,
names, listing dates, share counts, quotes and financials are drawn from a seeded random generator.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import pandas as pd

# (EM industry, SW code, products, concepts)
INDUSTRIES: list[tuple[str, str, list[str], list[str]]] = [
    ("半导体", "270108", ["集成电路", "功率芯片", "晶圆制造"], ["国产芯片", "半导体概念"]),
    ("电池", "630701", ["锂电池", "储能电池", "正极材料"], ["锂电池", "储能"]),
    ("通用设备", "640601", ["工业机器人", "精密减速器", "数控机床"], ["机器人概念", "工业母机"]),
    ("软件开发", "710402", ["操作系统", "数据库", "大模型平台"], ["人工智能", "信创"]),
    ("航天航空", "650101", ["卫星载荷", "火箭发动机", "无人机"], ["商业航天", "低空经济"]),
    ("医疗器械", "370401", ["医学影像设备", "体外诊断试剂"], ["医疗器械概念"]),
    ("化学制药", "370101", ["原料药", "创新药"], ["创新药"]),
    ("光伏设备", "630501", ["光伏组件", "逆变器"], ["光伏概念"]),
    ("汽车整车", "280201", ["新能源汽车", "乘用车"], ["新能源车"]),
    ("银行", "480301", ["存贷款业务", "结算业务"], ["银行"]),
    ("酿酒行业", "340501", ["白酒", "啤酒"], ["白酒"]),
    ("房地产开发", "430101", ["住宅开发", "商业地产"], ["房地产"]),
    ("电力行业", "410101", ["火力发电", "水力发电"], ["绿色电力"]),
    ("食品饮料", "340702", ["乳制品", "调味品"], ["乳业"]),
]
SW_NAMES = {
    "27": "电子",
    "2701": "半导体",
    "270108": "集成电路制造",
    "63": "电力设备",
    "6307": "电池",
    "630701": "锂电池",
    "64": "机械设备",
    "6406": "自动化设备",
    "640601": "机器人",
    "71": "计算机",
    "7104": "软件开发",
    "710402": "横向通用软件",
    "65": "国防军工",
    "6501": "航天装备Ⅱ",
    "650101": "航天装备Ⅲ",
    "37": "医药生物",
    "3704": "医疗器械",
    "370401": "医疗设备",
    "3701": "化学制药",
    "370101": "原料药",
    "6305": "光伏设备",
    "630501": "光伏电池组件",
    "28": "汽车",
    "2802": "乘用车",
    "280201": "电动乘用车",
    "48": "银行",
    "4803": "股份制银行Ⅱ",
    "480301": "股份制银行Ⅲ",
    "34": "食品饮料",
    "3405": "白酒Ⅱ",
    "340501": "白酒Ⅲ",
    "43": "房地产",
    "4301": "房地产开发",
    "430101": "住宅开发",
    "41": "公用事业",
    "4101": "电力",
    "410101": "火力发电",
    "3407": "饮料乳品",
    "340702": "乳品",
}
PROVINCES = {
    "广东": ("广东省", ["深圳市", "广州市", "东莞市"]),
    "江苏": ("江苏省", ["苏州市", "南京市", "无锡市"]),
    "浙江": ("浙江省", ["杭州市", "宁波市"]),
    "北京": ("北京市", ["北京市"]),
    "上海": ("上海市", ["上海市"]),
    "山东": ("山东省", ["青岛市", "济南市"]),
    "四川": ("四川省", ["成都市"]),
    "湖北": ("湖北省", ["武汉市"]),
    "广西": ("广西壮族自治区", ["柳州市", "南宁市"]),
    "安徽": ("安徽省", ["合肥市"]),
}
SYLLABLES = "华中天海金瑞恒新宏兴国光通达盛泰安康德润鑫隆科远信源合嘉"


def _split(n: int) -> dict[str, int]:
    shares = {"sh_main": 0.312, "star": 0.108, "sz_main": 0.275, "chinext": 0.25, "bj": 0.055}
    counts = {k: max(2, round(n * v)) for k, v in shares.items()}
    counts["sz_main"] += n - sum(counts.values())
    return counts


def make_market(n: int = 5450, seed: int = 7) -> pd.DataFrame:
    """The synthetic market behind the fake: one row per company with every fact any endpoint shows."""
    rng = random.Random(seed)
    starts = {"sh_main": 600000, "star": 688000, "sz_main": 1, "chinext": 300001, "bj": 920001}
    rows = []
    for board, count in _split(n).items():
        for i in range(count):
            code = f"{starts[board] + i:06d}"
            industry, sw_code, products, concepts = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
            province = rng.choice(list(PROVINCES))
            full_province, cities = PROVINCES[province]
            city = rng.choice(cities)
            name = "".join(rng.sample(SYLLABLES, 2)) + rng.choice(["科技", "股份", "电子", "智能", "集团"])
            if rng.random() < 0.04:
                name = "ST" + name
            revenue = math.exp(rng.gauss(math.log(2.5e9), 1.2))
            rows.append(
                {
                    "code": code,
                    "board": board,
                    "name": name,
                    "industry": industry,
                    "sw_code": sw_code,
                    "products": products,
                    "concepts": concepts,
                    "province": province,
                    "full_province": full_province,
                    "city": city,
                    "address": f"{'' if full_province == city else full_province}{city}科技路{i % 300 + 1}号",
                    "list_date": dt.date(1991, 1, 1) + dt.timedelta(days=rng.randrange(12500)),
                    "total_share": float(rng.randrange(50, 5000) * 1_000_000),
                    "price": round(math.exp(rng.gauss(math.log(15), 0.7)), 2),
                    "pe": round(rng.gauss(35, 40), 2),
                    "pb": round(abs(rng.gauss(3, 2)) + 0.3, 2),
                    "pct": round(rng.gauss(0.2, 2.5), 2),
                    "revenue": revenue,
                    "rev_yoy": round(rng.gauss(8, 25), 2),
                    "net_profit": revenue * rng.gauss(0.07, 0.08),
                    "profit_yoy": round(rng.gauss(5, 40), 2),
                    "roe": round(rng.gauss(7, 8), 2),
                    "gross_margin": round(min(95, abs(rng.gauss(27, 15))), 2),
                    "total_assets": revenue * rng.uniform(1.0, 3.0),
                    "suspended": rng.random() < 0.01,
                }
            )
    return pd.DataFrame(rows)
