"""Widgets of the 劳模推荐 page: the list model, the checks panel, the form, the review panel."""
