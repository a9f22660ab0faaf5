"""The evaluation report's outputs: charts (charts.py), the shared words (content.py), the PDF
(pdf.py) and the Word document (docx.py). The report's data is services/evaluation_report.py."""
