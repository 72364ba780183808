"""Class vocabularies: one class per line, comma-separated synonyms.

A vocabulary is given as the name of a file shipped here (``'voc21'``), a path to a text
file, or a list of classes (each a string ``'cat, kitty'`` or a list of synonyms). Lines
starting with ``#`` are comments. An empty line, an empty synonym or a name used twice is
an error that names the file and line (unless a comment line says ``# duplicates allowed``:
an official class list that repeats a word). A comment ``# commas are part of the name`` makes
every line one name (CLIP-ES prompts its synonyms as one sentence); ``# synonyms separated by ';'``
splits at semicolons only (ProxyCLIP's class files, where commas are part of a name).
"""
import os
import os.path as osp
import re
from typing import List, Sequence, Union

VOCAB_DIR = osp.dirname(osp.abspath(__file__))

Vocabulary = List[List[str]]
VocabularyLike = Union[str, Sequence[Union[str, Sequence[str]]]]


def available_vocabularies() -> List[str]:
    """Names of the vocabulary files shipped with the package."""
    return sorted(f[:-4] for f in os.listdir(VOCAB_DIR) if f.endswith('.txt'))


def _parse_lines(lines, source: str) -> Vocabulary:
    classes: Vocabulary = []
    seen = {}
    allow_duplicates = whole_lines = False
    separator = ','
    for lineno, raw in enumerate(lines, start=1):
        if not isinstance(raw, str):  # a list of synonyms, given as such
            raw = [n.strip() for n in raw]
            line, names = ', '.join(raw), raw
        else:
            line = raw.strip()
            names = [line] if whole_lines else [n.strip() for n in line.split(separator)]
        if line.startswith('#') and isinstance(raw, str):
            allow_duplicates |= line.lower().startswith('# duplicates allowed')
            whole_lines |= line.lower().startswith('# commas are part of the name')
            separator = ';' if line.lower().startswith("# synonyms separated by ';'") else separator
            continue
        if not line:
            raise ValueError(f'{source}, line {lineno}: empty line (one class per line, no blank lines)')
        if any(not n for n in names):
            raise ValueError(f'{source}, line {lineno}: empty synonym in {line!r}')
        for name in names:
            key = name.lower()
            if key in seen and not allow_duplicates:
                raise ValueError(f'{source}, line {lineno}: {name!r} already used on line {seen[key]}')
            seen[key] = lineno
        classes.append(names)
    if not classes:
        raise ValueError(f'{source}: the vocabulary is empty')
    return classes


def load_vocabulary(vocab: VocabularyLike) -> Vocabulary:
    """Load a vocabulary as a list of classes, each a list of synonyms.

    Args:
        vocab (str | Sequence): a shipped name (see :func:`available_vocabularies`), a path
            to a text file, or a list of classes.

    Returns:
        list[list[str]]: the synonyms of each class, in label order.
    """
    if isinstance(vocab, str):
        path = vocab if osp.isfile(vocab) else osp.join(VOCAB_DIR, f'{vocab}.txt')
        if not osp.isfile(path):
            if os.sep in vocab or vocab.endswith('.txt'):
                raise FileNotFoundError(f'Vocabulary file not found: {vocab}')
            raise ValueError(f'Unknown vocabulary {vocab!r}: not a file and not one of '
                             f'{", ".join(available_vocabularies())}')
        with open(path, encoding='utf-8') as f:
            text = f.read()
        if not text.strip():
            raise ValueError(f'{path}: the vocabulary is empty')
        return _parse_lines(text.rstrip('\n').split('\n'), path)  # a final newline is no empty line
    return _parse_lines(list(vocab), 'vocabulary list')


def class_names(vocab: VocabularyLike) -> List[str]:
    """The first synonym of every class (the display name)."""
    return [names[0] for names in load_vocabulary(vocab)]


#: One spelling for names that official class lists spell differently (MaskCLIP's "airplane" for
#: VOC's "aeroplane", COCO-Stuff's "wall concrete" as "concrete wall", ...): unambiguous pairs only.
_SAME_CLASS = {
    'airplane': 'aeroplane', 'tileceiling': 'ceilingtile', 'marblefloor': 'floormarble', 'stonefloor': 'floorstone',
    'tilefloor': 'floortile', 'woodfloor': 'floorwood', 'brickwall': 'wallbrick', 'concretewall': 'wallconcrete',
    'panelwall': 'wallpanel', 'stonewall': 'wallstone', 'tilewall': 'walltile', 'woodwall': 'wallwood',
    'blindwindow': 'windowblind',
}


def normalise_class_name(name: str) -> str:
    """'Potted plant', 'pottedplant' and 'potted-plant' all become 'pottedplant'; 'airplane'
    and 'aeroplane' (and the other spellings of one class in :data:`_SAME_CLASS`) match too."""
    key = re.sub(r'[^a-z0-9]', '', name.lower())
    return _SAME_CLASS.get(key, key)
