"""Small-group suppression for aggregate figures shown to the company liaison."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

OTHER = "__other__"


@dataclass(frozen=True)
class GroupCount:
    label: str  # a group's label, or OTHER for the merged small groups
    count: int
    suppressed: bool = False  # True: show as "<k", never the number

    def shown(self, k: int) -> str:
        return f"<{k}" if self.suppressed else f"{self.count:,}"


def suppress(counts: Mapping[str, int], k: int) -> list[GroupCount]:
    """Merge every group smaller than k into OTHER, so no small group can be read or worked out.

    If the merged groups still come to fewer than k, the smallest visible groups join them until
    OTHER reaches k (the complementary cell); if nothing is left to join, OTHER is shown as "<k".
    Groups of zero are dropped. The result is sorted by count, largest first, OTHER last.
    """
    visible = {label: n for label, n in counts.items() if n >= k}
    other = sum(n for n in counts.values() if 0 < n < k)
    if other:
        for label in sorted(visible, key=lambda name: (visible[name], name)):
            if other >= k:
                break
            other += visible.pop(label)
    groups = [GroupCount(label, n) for label, n in sorted(visible.items(), key=lambda item: (-item[1], item[0]))]
    if other:
        groups.append(GroupCount(OTHER, other, suppressed=other < k))
    return groups


def suppress_value(count: int, k: int) -> GroupCount:
    """A single figure (e.g. one month's new members) hidden when it is between 1 and k-1."""
    return GroupCount("", count, suppressed=0 < count < k)
