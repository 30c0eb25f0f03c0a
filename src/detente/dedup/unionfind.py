"""Union-find over string ids, the smallest id of a group being its root (so a group's id does
not depend on the order in which its members arrived), and the constrained variant that joins
event mentions into canonical events.

>>> groups = UnionFind(); groups.union("b", "a"); groups.find("b")
'a'
"""

from __future__ import annotations

# What a mention brings to the union checks: article_id, type class, mode, actor code, recipient code.
MentionAttrs = tuple[str, str, str | None, str | None, str | None]
# A root's merged state: its article → type class map, its mode, its pair of countries.
_State = tuple[dict[str, str], str | None, frozenset[str] | None]


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> bool:
        """Join the groups of ``a`` and ``b``; False when they were one group already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


class MentionComponents(UnionFind):
    """Union-find that refuses four kinds of union: one a person's split decision forbids; one
    that would put two differently typed mentions of the same article in one event (an article
    that reports an accusation and a demand distinguishes them itself); one that would join two
    different modes (a phone call and a visit); and one that would join two different pairs of
    countries through reports that leave a side unknown.

    ``attrs`` needs only the mentions that may be joined: every other mention stays alone, so a
    rebuild over a million mentions builds state for the linked ones only, and for a group only
    once it has more than one member."""

    def __init__(self, attrs: dict[str, MentionAttrs], tags: dict[str, set[tuple[str, int]]]) -> None:
        super().__init__()
        self.attrs = attrs
        self.merged: dict[str, _State] = {}  # the state of every root of two or more mentions
        self.tags: dict[str, set[tuple[str, int]]] = {item: set(t) for item, t in tags.items() if item in attrs}
        # (no decisions, the usual case: the split check costs nothing)

    def _state(self, root: str) -> _State:
        state = self.merged.get(root)
        if state is None:
            article_id, type_class, mode, actor, recipient = self.attrs[root]
            # the one pair of countries an event is between, once a report names both
            state = ({article_id: type_class}, mode, frozenset((actor, recipient)) if actor and recipient else None)
        return state

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        ta, tb = (self.tags.get(ra, set()), self.tags.get(rb, set())) if self.tags else ((), ())
        if ta and tb and any((decision, 1 - side) in tb for decision, side in ta):
            return False  # a person said these belong apart
        (types_a, mode_a, dyad_a), (types_b, mode_b, dyad_b) = self._state(ra), self._state(rb)
        if any(types_b.get(article, cls) != cls for article, cls in types_a.items()):
            return False
        if mode_a and mode_b and mode_a != mode_b:
            return False  # a mode-less report must not bridge a phone call and a visit
        if dyad_a and dyad_b and dyad_a != dyad_b:
            return False  # nor may a report with one side unknown bridge USA-RUS and USA-DEU
        keep, drop = (ra, rb) if ra < rb else (rb, ra)
        self.parent[drop] = keep
        self.merged[keep] = (types_a | types_b, mode_a or mode_b, dyad_a or dyad_b)
        self.merged.pop(drop, None)
        if ta or tb:
            self.tags[keep] = ta | tb
        return True
