"""The structural pass (tree.read): the page's fields and title (document, heading, genre), the
outline of numbered items, the sections' types and the task tables, read once for every later stage."""
