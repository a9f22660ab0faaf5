"""Qt views, dialogs and table models. The only layer (with app.py) that imports Qt."""
