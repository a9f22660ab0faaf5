"""Widgets of the 三室一站 page: the studio dialog, its members and results, item-6 figures."""
