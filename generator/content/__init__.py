"""Reading a Jekyll source folder: front matter, dates, permalinks, markdown, body templates."""
