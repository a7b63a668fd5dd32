"""The clerk's wizard: from an applicant at the counter to a receipt, page by page."""
