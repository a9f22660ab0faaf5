"""The evaluation report's outputs: charts (charts.py), the shared words (content.py), the PDF
(pdf.py) and the Word document (word.py); files.py picks one by extension. The report's data is
services/evaluation_report.py."""
