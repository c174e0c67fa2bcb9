"""The read side: read models built from events, and the queries named after the questions."""
