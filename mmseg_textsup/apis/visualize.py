"""Pictures of label maps: palette PNGs, overlays with a legend, score maps."""
from typing import Sequence, Tuple

import cv2
import numpy as np
from PIL import Image


def palette_for(num_classes: int, seed: int = 7) -> Sequence[Tuple[int, int, int]]:
    """A fixed, well-spread RGB colour per class."""
    rng = np.random.default_rng(seed)
    return [tuple(int(c) for c in rng.integers(40, 256, 3)) for _ in range(num_classes)]


def overlay_with_legend(rgb: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                        opacity: float = 0.5) -> np.ndarray:
    """The image (H, W, 3 RGB) blended with its label colours, above a legend of the classes
    present (colour, name, pixel share), largest first.

    Returns:
        np.ndarray: (H + legend, W', 3) uint8 RGB, W' >= W (the legend's width).
    """
    colours = np.array(palette_for(len(class_names)), dtype=np.uint8)
    blend = (rgb.astype(np.float32) * (1 - opacity) + colours[labels].astype(np.float32) * opacity).astype(np.uint8)
    present, counts = np.unique(labels, return_counts=True)
    order = np.argsort(-counts, kind='stable')
    rows = [(int(present[i]), f'{class_names[present[i]]} {counts[i] / labels.size:.1%}') for i in order]
    line, font, scale = 22, cv2.FONT_HERSHEY_SIMPLEX, 0.5
    width = max([blend.shape[1]] + [30 + cv2.getTextSize(text, font, scale, 1)[0][0] + 8 for _, text in rows])
    canvas = np.full((blend.shape[0] + line * len(rows) + 6, width, 3), 255, np.uint8)
    canvas[:blend.shape[0], :blend.shape[1]] = blend
    for i, (c, text) in enumerate(rows):
        y = blend.shape[0] + 4 + i * line
        canvas[y + 3:y + line - 3, 6:24] = colours[c]
        cv2.putText(canvas, text, (30, y + line - 7), font, scale, (0, 0, 0), 1, cv2.LINE_AA)
    return canvas


def score_map(rgb: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """One class's scores (H, W, in [0, 1]) as a heat map over the greyed image (H, W, 3 RGB)."""
    heat = cv2.applyColorMap((np.clip(scores, 0, 1) * 255).astype(np.uint8), cv2.COLORMAP_JET)[..., ::-1]
    grey = np.repeat(rgb.mean(axis=2, keepdims=True), 3, axis=2)
    return (grey * 0.4 + heat * 0.6).astype(np.uint8)


def label_png(labels: np.ndarray, num_classes: int) -> Image.Image:
    """A palette PNG of a label map (pixel values are the labels; viewers show the colours)."""
    if num_classes > 256:
        raise ValueError(f'a palette PNG holds at most 256 labels, not {num_classes}')
    image = Image.fromarray(labels.astype(np.uint8), mode='P')
    image.putpalette([v for colour in palette_for(num_classes) for v in colour])
    return image
