"""The enterprise page's dialogs and widgets."""
