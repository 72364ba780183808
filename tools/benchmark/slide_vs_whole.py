"""Sliding-window vs whole-image MaskCLIP inference (same model, same image, random weights).

    python tools/benchmark/slide_vs_whole.py [--model ViT-B-16] [--height 336 --width 448]

Sliding windows follow the SCLIP protocol of configs/maskclip/slide_*.py (224x224 windows,
stride 112). Prints last: slide / whole.
"""

import torch
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from benchmark_utils import compare, format_report, image_benchmark_parser


def main():
    parser = image_benchmark_parser(height=336, width=448)
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='OpenVocabEncoderDecoder',
        backbone=dict(type='OpenCLIPVision', model_name=args.model, outputs=('dense', )),
        decode_head=dict(type='MaskCLIPHead', text_encoder=dict(
            type='OpenCLIPTextClassifier', model_name=args.model, vocabulary='voc21', templates='single')),
        test_cfg=dict(mode='whole'))).to(args.device).eval()
    x = torch.randn(1, 3, args.height, args.width, device=args.device)
    metas = [dict(ori_shape=x.shape[2:], img_shape=x.shape[2:], pad_shape=x.shape[2:], padding_size=[0, 0, 0, 0])]
    slide_cfg = dict(mode='slide', crop_size=(224, 224), stride=(112, 112))

    def run(cfg):
        model.test_cfg = type(model.test_cfg)(cfg)
        return model.inference(x, metas)

    with torch.no_grad():
        run(dict(mode='whole'))  # text embeddings are cached once
        medians = compare({'whole image': lambda: run(dict(mode='whole')),
                           'sliding 224 / 112': lambda: run(slide_cfg)}, repeats=args.repeats)
    print(f'{args.model}, 1x3x{args.height}x{args.width}, {args.device}, CPU threads: {torch.get_num_threads()}')
    print(format_report(medians, 'whole image'))
    print(f"slide / whole = {medians['sliding 224 / 112'] / medians['whole image']:.3f}")


if __name__ == '__main__':
    main()
