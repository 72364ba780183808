"""The toy world: a deterministic, procedurally generated image-caption-mask world.

Every sample is a pure function of ``(seed, index)``: a textured background ("stuff")
with one to three objects ("things") on it, a caption that mentions the objects (sometimes
with an attribute) and sometimes the background, a per-pixel label map and the set of
classes present. It exists so that every paper's pipeline can be trained and evaluated on
a CPU in minutes and report a real mIoU.

Design (calibrated on throw-away prototypes: with objects of random colour a contrastively
trained tiny CLIP learnt the backgrounds and localised almost no object, 0-4 % IoU, while a
colour and pattern of its own per class brought two of six objects to ~25 %):

- objects are recognisable from local appearance at an 8-pixel patch: each class has its
  own colour *and* texture (stripes, dots, speckle, a stalk), and they are 2.5-5 patches wide;
- each object prefers one background (``PREFERRED_BACKGROUND``, 50 % of the time), so
  context is a real shortcut and a real failure mode, as in SimSeg's "Problem 1";
- captions vary in wording and only sometimes name the background.
"""
import re
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

BACKGROUNDS = ('grass', 'water', 'sand', 'snow')
OBJECTS = ('tomato', 'lemon', 'grape', 'zebra', 'donut', 'carrot')
CLASSES = BACKGROUNDS + OBJECTS
#: The objects-on-background labelling (the VOC-like protocol of weakly supervised methods such
#: as CLIP-ES): label 0 is the background, every stuff class, and labels 1-6 are the objects.
OBJECT_CLASSES = ('background', ) + OBJECTS


def objects_on_background(label: np.ndarray) -> np.ndarray:
    """A toy label map (indices into CLASSES) in the objects-on-background labelling."""
    return np.where(label < len(BACKGROUNDS), 0, label.astype(np.int64) - len(BACKGROUNDS) + 1).astype(np.uint8)


ATTRIBUTES = {
    'tomato': ('ripe', 'red', 'round'),
    'lemon': ('yellow', 'sour', 'bright'),
    'grape': ('purple', 'sweet', 'juicy'),
    'zebra': ('striped', 'wild', 'black and white'),
    'donut': ('pink', 'sweet', 'sugary'),
    'carrot': ('orange', 'long', 'fresh'),
}
PREFERRED_BACKGROUND = {
    'tomato': 'grass', 'lemon': 'water', 'grape': 'sand', 'zebra': 'grass', 'donut': 'snow', 'carrot': 'sand'
}
PREFERENCE_PROB = 0.4
BACKGROUND_MENTION_PROB = 0.6

_ONE = ('a {o0} on the {bg}.', 'a photo of a {o0} lying on {bg}.', 'a {o0} in the middle of the {bg}.',
        'there is a {o0} on some {bg}.')
_ONE_NO_BG = ('a photo of a {o0}.', 'a {o0}.', 'a close-up picture of a {o0}.', 'there is a {o0} in the picture.')
_TWO = ('a {o0} and a {o1} on the {bg}.', 'a {o0} next to a {o1}, {bg} behind them.',
        'a photo of a {o0} and a {o1} lying on {bg}.')
_TWO_NO_BG = ('a {o0} and a {o1}.', 'a photo of a {o0} next to a {o1}.', 'a {o0} with a {o1}.')
_THREE = ('a {o0}, a {o1} and a {o2} on the {bg}.', 'a photo of a {o0}, a {o1} and a {o2} on {bg}.')
_THREE_NO_BG = ('a {o0}, a {o1} and a {o2}.', 'a picture of a {o0}, a {o1} and a {o2}.')
CAPTION_TEMPLATES = {
    (1, True): _ONE, (1, False): _ONE_NO_BG, (2, True): _TWO, (2, False): _TWO_NO_BG,
    (3, True): _THREE, (3, False): _THREE_NO_BG
}


@dataclass
class ToySample:
    """One toy-world sample."""
    image: np.ndarray  # (H, W, 3) uint8, RGB
    label: np.ndarray  # (H, W) uint8, index into CLASSES
    caption: str
    classes: Tuple[int, ...]  # sorted class indices present in ``label``


class ToyWorld:
    """Generator of toy samples.

    Args:
        seed (int): world seed; ``sample(i)`` depends only on ``(seed, i)``.
        size (int): image side in pixels. Defaults to 64.
        radius (tuple[float, float]): object radius range as a fraction of ``size``.
            Defaults to (0.16, 0.30) (10-19 px at 64).
        num_objects (tuple[int, int]): inclusive range of objects per image. Defaults to (1, 3).
    """

    def __init__(self, seed: int = 0, size: int = 64, radius=(0.16, 0.30), num_objects=(1, 3)):
        self.seed = seed
        self.size = size
        self.radius = radius
        self.num_objects = num_objects
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
        self._yy, self._xx = yy, xx

    # ------------------------------------------------------------ textures
    def _background(self, name: str, rng: np.random.Generator) -> np.ndarray:
        s, yy, xx = self.size, self._yy, self._xx
        noise = rng.normal(0, 1, (s, s)).astype(np.float32)
        if name == 'grass':
            blades = np.repeat(rng.normal(0, 1, (1, s)), s, axis=0)
            img = np.stack([60 + 10 * blades, 140 + 25 * blades + 10 * noise, 50 + 8 * noise], -1)
        elif name == 'water':
            phase, freq = rng.uniform(0, 2 * np.pi), rng.uniform(0.5, 0.8)
            waves = np.sin(freq * yy + 0.3 * np.sin(0.2 * xx) + phase)
            img = np.stack([70 + 20 * waves, 160 + 25 * waves, 225 + 15 * waves + 5 * noise], -1)
        elif name == 'sand':
            speck = (rng.random((s, s)) < 0.08).astype(np.float32)
            img = np.stack([210 - 50 * speck + 6 * noise, 190 - 50 * speck + 6 * noise, 140 - 40 * speck], -1)
        else:  # snow: bluish white with soft drifts and sparkles
            drift = np.sin(rng.uniform(0.1, 0.25) * xx + rng.uniform(0, 2 * np.pi)) * np.cos(0.15 * yy)
            sparkle = (rng.random((s, s)) < 0.04).astype(np.float32)
            img = np.stack([225 + 12 * drift + 30 * sparkle, 232 + 10 * drift + 23 * sparkle,
                            248 + 5 * drift + 7 * sparkle], -1) + 3 * noise[..., None]
        return img

    def _object_texture(self, name: str, rng: np.random.Generator, cy: float, cx: float, r: float):
        """Colour image (H, W, 3) of the object's surface (only used inside its mask)."""
        s, yy, xx = self.size, self._yy, self._xx
        jitter = rng.normal(0, 8, 3)
        noise = rng.normal(0, 1, (s, s, 1)).astype(np.float32)
        if name == 'tomato':
            img = np.broadcast_to(np.array([220, 35, 30]) + jitter, (s, s, 3)) + 6 * noise
            highlight = ((yy - cy + 0.35 * r)**2 + (xx - cx + 0.35 * r)**2) < (0.18 * r)**2
            img = np.where(highlight[..., None], np.array([255, 170, 160]), img)
        elif name == 'lemon':
            img = np.broadcast_to(np.array([250, 225, 40]) + jitter, (s, s, 3)) + 6 * noise
            dots = rng.random((s, s)) < 0.06
            img = np.where(dots[..., None], np.array([200, 170, 20]), img)
        elif name == 'grape':
            img = np.broadcast_to(np.array([60, 10, 60]) + jitter, (s, s, 3)).copy()
            # berries: bright magenta-purple discs on a 6-px lattice
            by, bx = (yy - cy) % 6 - 3, (xx - cx) % 6 - 3
            berry = by**2 + bx**2 < 6.5
            img[berry] = np.array([175, 60, 170]) + jitter
        elif name == 'zebra':
            angle = rng.uniform(0, np.pi)
            stripes = np.sin((np.cos(angle) * xx + np.sin(angle) * yy) * (2 * np.pi / 5)) > 0
            img = np.where(stripes[..., None], np.array([245, 245, 245]), np.array([15, 15, 15])).astype(np.float32)
        elif name == 'donut':  # pink frosting with colourful sprinkles
            img = np.broadcast_to(np.array([240, 130, 185]) + jitter, (s, s, 3)) + 5 * noise
            sprinkles = rng.random((s, s))
            img = np.where((sprinkles < 0.05)[..., None], np.array([255, 240, 80]), img)
            img = np.where(((sprinkles >= 0.05) & (sprinkles < 0.10))[..., None], np.array([60, 200, 230]), img)
        else:  # carrot: orange with dark rings across its length
            img = np.broadcast_to(np.array([245, 125, 20]) + jitter, (s, s, 3)) + 6 * noise
            rings = np.sin(((yy - cy) + (xx - cx)) * (2 * np.pi / 4)) > 0.7
            img = np.where(rings[..., None], np.array([190, 80, 10]), img)
        return img

    def _object_mask(self, name: str, rng: np.random.Generator, cy: float, cx: float, r: float) -> np.ndarray:
        yy, xx = self._yy - cy, self._xx - cx
        angle = rng.uniform(0, np.pi)
        u = np.cos(angle) * xx + np.sin(angle) * yy
        v = -np.sin(angle) * xx + np.cos(angle) * yy
        if name == 'carrot':  # elongated, tapering
            length, width = r * 1.3, r * 0.45
            taper = np.clip(0.5 + u / (2 * length), 0, 1)
            return (np.abs(u) < length) & (np.abs(v) < width * taper + 1)
        if name == 'lemon':
            return (u / (r * 1.15))**2 + (v / (r * 0.75))**2 < 1
        if name == 'donut':  # a ring, a quarter larger: the background shows through the hole
            rr = (u / (1.25 * r))**2 + (v / (1.25 * r * rng.uniform(0.85, 1.0)))**2
            return (rr < 1) & (rr > 0.08)
        aspect = rng.uniform(0.8, 1.25)
        return (u / (r * aspect))**2 + (v * aspect / r)**2 < 1

    # ------------------------------------------------------------ samples
    def sample(self, index: int) -> ToySample:
        """The sample at ``index`` (deterministic)."""
        rng = np.random.default_rng([self.seed, index])
        s = self.size
        n = int(rng.integers(self.num_objects[0], self.num_objects[1] + 1))
        objects = [OBJECTS[i] for i in rng.choice(len(OBJECTS), size=n, replace=False)]
        if rng.random() < PREFERENCE_PROB:
            background = PREFERRED_BACKGROUND[objects[0]]
        else:
            background = BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
        image = self._background(background, rng)
        label = np.full((s, s), CLASSES.index(background), dtype=np.uint8)
        for name in objects:
            r = rng.uniform(*self.radius) * s
            cy, cx = rng.uniform(0.2 * s, 0.8 * s, size=2)
            mask = self._object_mask(name, rng, cy, cx, r)
            image = np.where(mask[..., None], self._object_texture(name, rng, cy, cx, r), image)
            label[mask] = CLASSES.index(name)
        image = image * rng.uniform(0.85, 1.15)  # global brightness
        image = np.clip(image, 0, 255).astype(np.uint8)
        present = tuple(sorted(int(c) for c in np.unique(label)))
        visible = [o for o in objects if CLASSES.index(o) in present]
        caption = self._caption(visible or objects, background, rng)
        return ToySample(image=image, label=label, caption=caption, classes=present)

    def _caption(self, objects: List[str], background: str, rng: np.random.Generator) -> str:
        mention_bg = rng.random() < BACKGROUND_MENTION_PROB
        templates = CAPTION_TEMPLATES[(len(objects), mention_bg)]
        words = {}
        for i, name in enumerate(objects):
            if rng.random() < 0.3:
                attrs = ATTRIBUTES[name]
                name = f'{attrs[int(rng.integers(len(attrs)))]} {name}'
            words[f'o{i}'] = name
        caption = templates[int(rng.integers(len(templates)))].format(bg=background, **words)
        return re.sub(r'\ba (?=[aeiou])', 'an ', caption)
