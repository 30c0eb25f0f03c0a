"""Helpers for assertions on events."""


def triples(events):
    """(actor code+sector, event, recipient code+sector) for compact assertions."""
    def label(e):
        return None if e is None else f"{e.code or '-'} {e.sector or '-'}"

    return {(label(e.actor), e.event, label(e.recipient)) for e in events}
