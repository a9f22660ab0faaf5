"""Excel in and out from the window: the import dialog with its preview, the export dialog,
and the 文件 menu that opens them."""
