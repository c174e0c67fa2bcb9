"""The event vocabulary: event classes, transcodings and event-store settings.

Event class topics (module:Class) are stored with every event: never move or rename a class
here without registering the old topic.
"""
