"""The evaluation report's outputs: charts (charts.py), the shared words (content.py), the PDF
(pdf.py); a Word writer is still to come. The report's data is services/evaluation_report.py."""
