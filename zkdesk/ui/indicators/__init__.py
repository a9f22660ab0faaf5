"""The 指标台账 page's parts: the entry grid, the progress dashboard, the plan editor."""
