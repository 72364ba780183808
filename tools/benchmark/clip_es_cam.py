"""CLIP-ES per-image cost: CAMs (Softmax-GradCAM) with and without CAA relative to one forward +
backward of the same CLIP image tower at the same size; the dense CRF separately.

    python tools/benchmark/clip_es_cam.py [--model ViT-B-16] [--height 384 --width 512] [--classes 2]

Random weights, CLIP-ES's 25 VOC background words, ``--classes`` present classes. The CRF runs
on scikit-image's astronaut photograph at the same size (its cost grows with the number of
colours: random noise takes ~4x as long as a photograph). Prints last: CAM + CAA / (forward +
backward) (target <= 1.5).
"""

import mmcv
import numpy as np
import skimage.data
import torch
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmseg_textsup.models.clip_es import CLIP_ES_CRF
from mmseg_textsup.utils.dense_crf import dense_crf
from benchmark_utils import compare, format_report, image_benchmark_parser


def main():
    parser = image_benchmark_parser(height=384, width=512)
    parser.add_argument('--classes', type=int, default=2)
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='CLIPES',
        backbone=dict(type='OpenCLIPVision', model_name=args.model, outputs=('dense', )),
        text_encoder=dict(type='OpenCLIPTextClassifier', model_name=args.model, vocabulary='clip_es_voc20',
                          templates='clip_es'),
        background_words='bg_clip_es_voc25', crf=False)).to(args.device).eval()
    present = list(range(args.classes))
    x = torch.randn(1, 3, args.height, args.width, device=args.device)
    tower = model.backbone
    model.text_encoder.embeddings()  # text embeddings are cached once per vocabulary

    def forward_backward():
        x_grad = x.clone().requires_grad_()
        tower.forward_features(x_grad, ('global', ))['global'].sum().backward()

    def cams(caa):
        model.caa = caa
        return model.image_cams(x, present)

    rng = np.random.default_rng(0)
    image = mmcv.imresize(skimage.data.astronaut(), (args.width, args.height))
    probs = rng.random((args.classes + 1, args.height, args.width)).astype(np.float32)
    probs /= probs.sum(axis=0, keepdims=True)
    with torch.no_grad():  # as in the test loop: CLIP-ES enables gradients itself
        medians = compare({
            'CLIP forward + backward': lambda: _with_grad(forward_backward),
            'CAMs (Softmax-GradCAM)': lambda: cams(False),
            'CAMs + CAA': lambda: cams(True),
            f'dense CRF ({args.classes + 1} labels, 10 it.)': lambda: dense_crf(image, probs, **CLIP_ES_CRF),
        }, repeats=args.repeats)
    print(f'{args.model}, 1x3x{args.height}x{args.width}, {args.classes} present classes + 25 background words, '
          f'{args.device}, CPU threads: {torch.get_num_threads()}')
    print(format_report(medians, 'CLIP forward + backward'))
    ratio = medians['CAMs + CAA'] / medians['CLIP forward + backward']
    print(f'CAM + CAA / (forward + backward) = {ratio:.3f} (target <= 1.5)')


def _with_grad(fn):
    with torch.enable_grad():
        return fn()


if __name__ == '__main__':
    main()
