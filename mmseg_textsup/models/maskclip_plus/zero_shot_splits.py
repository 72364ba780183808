"""Unseen classes of the transductive zero-shot benchmarks (MaskCLIP+ Table 2, after ZS3Net /
SPNet), and name matching between vocabularies and dataset class lists."""
from typing import Dict, List, Sequence, Tuple, Union

from ...vocabularies import normalise_class_name

#: Unseen classes per benchmark. VOC ignores the background (VOC20), Context keeps it
#: (Context60), COCO-Stuff has 171 classes.
UNSEEN_CLASSES: Dict[str, Tuple[str, ...]] = {
    'voc': ('potted plant', 'sheep', 'sofa', 'train', 'tv monitor'),
    'context': ('cow', 'motorbike', 'sofa', 'cat', 'boat', 'fence', 'bird', 'tv monitor', 'keyboard', 'aeroplane'),
    'coco_stuff': ('frisbee', 'skateboard', 'cardboard', 'carrot', 'scissors', 'suitcase', 'giraffe', 'cow', 'road',
                   'wall concrete', 'tree', 'grass', 'river', 'clouds', 'playing field'),
}

ClassSelection = Union[str, Sequence[str]]


def resolve_unseen(selection: ClassSelection) -> Tuple[str, ...]:
    """A split name of :data:`UNSEEN_CLASSES` or an explicit list of class names."""
    if isinstance(selection, str):
        if selection not in UNSEEN_CLASSES:
            raise KeyError(f'unknown zero-shot split {selection!r}; known: {sorted(UNSEEN_CLASSES)} '
                           '(or pass a list of class names)')
        return UNSEEN_CLASSES[selection]
    return tuple(selection)


def class_indices(names: Sequence[str], class_names: Sequence[str], what: str = 'classes') -> List[int]:
    """Positions of ``names`` in ``class_names`` (matched by :func:`normalise_class_name`).

    Raises:
        KeyError: naming every class that is not in ``class_names``.
    """
    lookup = {normalise_class_name(n): i for i, n in enumerate(class_names)}
    missing = [n for n in names if normalise_class_name(n) not in lookup]
    if missing:
        raise KeyError(f'{what} {missing} are not in the class list ({len(class_names)} classes: '
                       f'{list(class_names)[:8]}...)')
    return [lookup[normalise_class_name(n)] for n in names]
