"""Named prompt template sets. Each template holds one ``{}`` for the class name."""
from typing import Dict, List, Sequence, Union

from open_clip.zero_shot_metadata import OPENAI_IMAGENET_TEMPLATES

#: The five scene templates MaskCLIP adds to the 80 OpenAI ImageNet templates (after ViLD).
VILD_SCENE_TEMPLATES = (
    'there is a {} in the scene.',
    'there is the {} in the scene.',
    'this is a {} in the scene.',
    'this is the {} in the scene.',
    'this is one {} in the scene.',
)


def _as_format_strings(templates) -> List[str]:
    # open_clip stores the OpenAI templates as callables: recover their format strings.
    return [t('{}') if callable(t) else t for t in templates]


TEMPLATE_SETS: Dict[str, List[str]] = {
    'openai_imagenet_80': _as_format_strings(OPENAI_IMAGENET_TEMPLATES),
    'maskclip_85': _as_format_strings(OPENAI_IMAGENET_TEMPLATES) + list(VILD_SCENE_TEMPLATES),
    'clip_es': ['a clean origami {}.'],
    'single': ['a photo of a {}.'],
}


def get_templates(templates: Union[str, Sequence[str]]) -> List[str]:
    """Return a template list by name, or validate a list given directly."""
    if isinstance(templates, str):
        if templates not in TEMPLATE_SETS:
            raise ValueError(f'Unknown template set {templates!r}; known: {", ".join(sorted(TEMPLATE_SETS))}. '
                             'Or pass a list of strings, each with one "{}".')
        return list(TEMPLATE_SETS[templates])
    templates = list(templates)
    bad = [t for t in templates if t.count('{}') != 1]
    if not templates or bad:
        raise ValueError(f'Each template needs exactly one "{{}}"; bad: {bad or "(empty list)"}')
    return templates
