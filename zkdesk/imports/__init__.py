"""Excel import: read any workbook people make (calamine), check it row by row, show what
would change (dry run), then apply every accepted row in one transaction.

  cells.py      parse one cell: text, dates, yes/no, numbers, ID numbers, codes
  headers.py    find the header row and match header names tolerantly
  workbook.py   read .xlsx/.xls/.xlsb/.ods into absolute (row, column) positions
  spec.py       what a kind declares: its columns, its model, its match key
  pipeline.py   dry run and apply (one transaction, backup first), made of:
    plan.py       what a checked file is (ImportPlan, ParsedRow, Located), the match key
    locate.py     where each kind's table is (its sheet and header row; a roster's parts)
    rows.py       checking and mapping each row's cells into model attributes
    matching.py   new, changed, unchanged or refused, against the register
    writing.py    the accepted rows written in chunks (bulk inserts, ORM updates)
    report.py     the combined summary of a roster, ignored columns, the audit entry
  annotate.py   an annotated copy of a file with rejected cells marked
  templates.py  a blank template per kind
  registers.py  export of a register through output/xlsx_export.py
  kinds/        one small module per kind (enterprises, contracts, nominations, ...); a kind
                checks its rows with its register's own rules (domain/ and the services'
                checks the forms use), never a copy of them, and computes what the form computes

Nothing here imports Qt: the GUI and the command line both drive these functions.
"""
