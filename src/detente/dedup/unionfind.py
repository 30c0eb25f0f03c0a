"""Union-find over string ids, the smallest id of a group being its root (so a group's id does
not depend on the order in which its members arrived).

>>> groups = UnionFind(); groups.union("b", "a"); groups.find("b")
'a'
"""

from __future__ import annotations


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
