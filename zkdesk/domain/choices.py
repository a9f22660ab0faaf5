"""Coded choice lists shared by forms, imports, exports and printed tables.

Stored values are the Chinese labels themselves: the lists are official vocabulary,
and a label in the database reads the same in an Excel export or a USB package.
"""

from __future__ import annotations

ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)

GENDERS = ("男", "女")

POLITICAL_STATUSES = ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众", "其他")

EDUCATION_LEVELS = ("研究生", "大学本科", "大学专科", "中专/中技", "高中", "初中", "小学及以下")

PERSON_CATEGORIES = (
    "企业一线工人和专业技术人员",
    "企业负责人",
    "企业管理人员",
    "农民工",
    "普通农业劳动者",
    "公务员",
    "事业单位人员",
)

HONOUR_TYPES = ("劳动模范", "先进工作者", "五一劳动奖章", "五一劳动奖状", "工人先锋号")
HONOUR_LEVELS = ("县级", "市级", "省级", "全国")

STUDIO_TYPES = ("劳模创新工作室", "工匠创新工作室", "职工创新工作室", "职工技师工作站")
STUDIO_LEVELS = ("县级", "市级", "省级", "全国")
STUDIO_STATUSES = ("申报", "命名", "年度复核", "撤销")
INDUSTRIES = ("糖", "茶", "果", "烟", "畜", "其他")
# The plan's five industries (“糖、茶、果、烟、畜”) are stored by their one-character names;
# screens and prints show them in full. An enterprise's own industry text is shown as typed.
INDUSTRY_NAMES = {"糖": "蔗糖", "茶": "茶叶", "果": "水果坚果", "烟": "烤烟", "畜": "畜牧", "其他": "其他"}


def industry_label(value: str) -> str:
    return INDUSTRY_NAMES.get(value, value)


def industry_value(text: str) -> str:
    """What a user typed or picked (a full name or the short one) as stored."""
    text = text.strip()
    return next((code for code, name in INDUSTRY_NAMES.items() if text == name), text)

OWNERSHIP_TYPES = ("国有", "集体", "非公", "外资", "港澳台", "其他")
OPERATING_STATUSES = ("正常经营", "停产", "注销")
CONTRACT_TYPES = ("综合集体合同", "工资专项集体合同", "女职工权益保护专项集体合同", "区域性集体合同", "行业性集体合同")
