"""Image-caption pairs from web-dataset tar shards (the img2dataset layout of CC3M / CC12M).

It is a map-style dataset (as is ``CsvPairs``), so MMEngine's samplers shard it across ranks
(each rank takes every ``world_size``-th index of one seeded permutation) and the DataLoader
shards a rank's indices across workers: every sample is read once per epoch with
``sampler=dict(type='DefaultSampler', shuffle=True, round_up=False)``. Shards are never
extracted: an index of member offsets is built from the tar headers, and workers read
each sample with one positioned read (``os.pread``) from the shard file.
"""
import glob
import os
import os.path as osp
import re
import tarfile
from typing import Dict, List, Sequence, Tuple, Union

from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS

from .skip_counter import CountsSkippedSamples

IMAGE_EXTENSIONS = ('jpg', 'jpeg', 'png', 'webp')


def expand_shards(shards: Union[str, Sequence[str]]) -> List[str]:
    """Expand ``'cc3m-{00000..00331}.tar'``, glob patterns and lists into existing files."""
    patterns = [shards] if isinstance(shards, str) else list(shards)
    paths = []
    for pattern in patterns:
        m = re.search(r'\{(\d+)\.\.(\d+)\}', pattern)
        if m:
            lo, hi = m.group(1), m.group(2)
            names = [
                pattern[:m.start()] + str(i).zfill(len(lo)) + pattern[m.end():] for i in range(int(lo), int(hi) + 1)
            ]
        elif any(ch in pattern for ch in '*?['):
            names = sorted(glob.glob(pattern))
            if not names:
                raise FileNotFoundError(f'No shard matches {pattern}')
        else:
            names = [pattern]
        missing = [n for n in names if not osp.isfile(n)]
        if missing:
            raise FileNotFoundError(f'Shard file(s) not found: {", ".join(missing[:5])}'
                                    f'{" ..." if len(missing) > 5 else ""}')
        paths.extend(names)
    return paths


def index_shard(path: str, caption_ext: str = 'txt') -> Tuple[List[Dict], List[str]]:
    """(key, image member, caption member) offsets of a web-dataset tar, from its headers, and
    what was left out.

    A sample is the set of members sharing a key (the member name up to the first dot of
    its base name, the web-dataset convention). Samples without an image or a caption, and
    members whose data would end past the end of the file, are left out; a truncated archive
    keeps the samples read before the damage. Each of these is one line of the returned
    problems (shard, key and why).
    """
    members: Dict[str, Dict[str, tuple]] = {}
    problems = []
    size = osp.getsize(path)
    try:
        with tarfile.open(path, mode='r:') as tar:
            for info in tar:
                if not info.isfile():
                    continue
                dirname, base = osp.split(info.name)
                key, _, ext = base.partition('.')
                if info.offset_data + info.size > size:
                    problems.append(f'{path}:{osp.join(dirname, key)}: member {base} ends past the end of the file')
                    continue
                members.setdefault(osp.join(dirname, key), {})[ext.lower()] = (info.offset_data, info.size)
    except (tarfile.ReadError, EOFError, OSError) as e:
        problems.append(f'{path}: truncated or damaged after {len(members)} keys ({size} bytes; {e}): '
                        'the samples after that point are lost')
    samples = []
    for key, parts in members.items():
        image_ext = next((e for e in IMAGE_EXTENSIONS if e in parts), None)
        if image_ext is None or caption_ext not in parts:
            missing = 'an image' if image_ext is None else f'a .{caption_ext} caption'
            problems.append(f'{path}:{key}: no {missing} (members: {", ".join(sorted(parts))})')
            continue
        samples.append(dict(shard_path=path, key=key, image_span=parts[image_ext], caption_span=parts[caption_ext]))
    return samples, problems


@DATASETS.register_module()
class WebDatasetPairs(CountsSkippedSamples, BaseDataset):
    """Image-caption pairs from web-dataset tar shards (the img2dataset layout).

    Each shard holds ``{key}.jpg`` (or png/webp) and ``{key}.txt`` (optionally
    ``{key}.json``). Pipelines start with ``LoadImageTextPair``.

    Args:
        shards (str | list[str]): shard files, glob patterns or a brace range such as
            ``'data/cc3m/{00000..00331}.tar'``.
        caption_ext (str): extension of the caption member. Defaults to ``'txt'``.
        **kwargs: :class:`BaseDataset` arguments (``pipeline``, ``max_refetch``, ...).
    """

    def __init__(self, shards: Union[str, Sequence[str]], caption_ext: str = 'txt', **kwargs):
        self.shards = shards
        self.caption_ext = caption_ext
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        data, problems = [], []
        for path in expand_shards(self.shards):
            samples, lost = index_shard(path, self.caption_ext)
            data.extend(samples)
            problems.extend(lost)
        self.report_indexing(problems)
        return data


def read_span(path: str, span: tuple, _cache: Dict = {}) -> bytes:  # noqa: B006  per-process fd cache
    """Read ``span = (offset, size)`` of ``path`` with one positioned read.

    File descriptors are cached per process (workers re-open after fork: a shared offset
    is never used, and ``os.pread`` does not move one anyway).
    """
    pid = os.getpid()
    if _cache.get('pid') != pid:
        _cache.clear()
        _cache['pid'] = pid
        _cache['fds'] = {}
    fds = _cache['fds']
    fd = fds.get(path)
    if fd is None:
        if len(fds) >= 64:
            os.close(fds.pop(next(iter(fds))))
        fd = fds[path] = os.open(path, os.O_RDONLY)
    offset, size = span
    data = os.pread(fd, size, offset)
    if len(data) != size:
        raise EOFError(f'{path}: member ends early ({len(data)} of {size} bytes)')
    return data
