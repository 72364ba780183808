import re
from typing import Callable, List, Optional, Tuple

from mmcv.transforms import BaseTransform
from mmengine.logging import print_log
from mmseg.registry import TRANSFORMS

Tagger = Callable[[List[str]], List[Tuple[str, str]]]


def nltk_tagger() -> Optional[Tagger]:
    """NLTK's ``pos_tag`` (Penn tags) when NLTK and its tagger model are installed, else None."""
    try:
        import nltk
        nltk.pos_tag(['test'])
    except (ImportError, LookupError):
        return None
    return nltk.pos_tag


@TRANSFORMS.register_module()
class KeepNounsAndVerbs(BaseTransform):
    """Reduce ``results['caption']`` to its nouns and verbs (S-Seg, following GroupViT).

    The words are tagged with NLTK's part-of-speech tagger (an optional dependency:
    ``pip install nltk`` and ``python -m nltk.downloader averaged_perceptron_tagger_eng``).
    Without it the whole caption is kept, and the first use says so once in the log. A
    caption without nouns or verbs is kept whole.

    Args:
        tagger (callable, optional): words -> [(word, Penn tag)]. Defaults to NLTK's.
    """

    def __init__(self, tagger: Optional[Tagger] = None):
        self.tagger = tagger
        self._resolved = tagger is not None

    def _tagger(self) -> Optional[Tagger]:
        if not self._resolved:
            self.tagger = nltk_tagger()
            self._resolved = True
            if self.tagger is None:
                print_log('KeepNounsAndVerbs: no part-of-speech tagger (NLTK with its tagger model) is installed; '
                          'whole captions are used.', logger='current')
        return self.tagger

    def transform(self, results: dict) -> dict:
        tagger = self._tagger()
        if tagger is None:
            return results
        words = re.findall(r"[A-Za-z0-9'-]+", results['caption'])
        kept = [w for w, tag in tagger(words) if tag.startswith(('NN', 'VB'))]
        if kept:
            results['caption'] = ' '.join(kept)
        return results
