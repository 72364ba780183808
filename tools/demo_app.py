"""Web demo: upload an image, name your classes, pick a method (Gradio; ``pip install mmseg_textsup[demo]``).

    python tools/demo_app.py                                   # the training-free methods, VOC21 protocols
    python tools/demo_app.py --model ViT-B-16 --pretrained /path/to/ViT-B-16.pt   # local CLIP weights
    python tools/demo_app.py --checkpoint configs/maskclip_plus/voc.py work_dirs/.../iter_20000.pth
    python tools/demo_app.py --methods toy                     # offline, on the toy CLIP (docs/toy_world.md)

Commas separate classes, "/" separates synonyms ("cat/kitty, grass, sky"). The page shows the
overlay with a legend, the label map as a palette PNG (pixel values index the legend's classes)
and a score map per class. Models are built on first use; the last one stays loaded.
"""
import argparse
import os
import os.path as osp
import tempfile

import numpy as np

from mmseg_textsup.apis import (build_open_vocab_model, clip_tower_options, label_png, overlay_with_legend,
                                parse_class_list, score_map, segment_image)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the training-free methods, each with its VOC21 protocol config (MaskCLIP: its demo config)
TRAINING_FREE = {
    'MaskCLIP': 'maskclip/demo.py', 'SCLIP': 'sclip/voc21.py', 'ClearCLIP': 'clearclip/voc21.py',
    'NACLIP': 'naclip/voc21.py', 'ProxyCLIP': 'proxyclip/voc21.py', 'ResCLIP': 'resclip/voc21.py',
    'SC-CLIP': 'sc_clip/voc21.py', 'PEARL': 'pearl/voc21.py', 'CASS': 'cass/voc21.py',
    'Trident': 'trident/voc21.py', 'CLIP-ES': 'clip_es/voc21_caa_crf.py'}
# the same methods on the toy world (their toy configs read work_dirs/toy_clip*/ weights)
TOY = {name: f'{path.split("/")[0]}/toy.py' for name, path in TRAINING_FREE.items()}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Open-vocabulary segmentation web demo')
    parser.add_argument('--methods', choices=('voc21', 'toy'), default='voc21',
                        help='training-free configs to offer: the VOC21 protocols or the toy world')
    parser.add_argument('--checkpoint', nargs=2, action='append', default=[], metavar=('CONFIG', 'CHECKPOINT'),
                        help='also offer a trained model (repeatable)')
    parser.add_argument('--model', help='open_clip architecture of every CLIP tower (training-free methods)')
    parser.add_argument('--pretrained', help="open_clip tag or local file for every CLIP tower, or 'none'")
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=7860)
    return parser.parse_args(argv)


def method_table(args) -> dict:
    """Picker label -> (config, checkpoint, config options)."""
    table = {}
    for name, path in (TOY if args.methods == 'toy' else TRAINING_FREE).items():
        config = osp.join(ROOT, 'configs', path)
        table[name] = (config, None, clip_tower_options(config, args.model, args.pretrained))
    for config, checkpoint in args.checkpoint:
        table[f'{osp.basename(osp.dirname(config))}/{osp.basename(config)}: {osp.basename(checkpoint)}'] = (
            config, checkpoint, {})
    return table


class Segmenter:
    """Builds the picked model on first use (one at a time) and segments an image."""

    def __init__(self, methods: dict, device: str):
        self.methods, self.device = methods, device
        self.loaded, self.model = None, None
        self.out_dir = tempfile.mkdtemp(prefix='mmseg_textsup_demo_')

    def model_for(self, method: str):
        if method != self.loaded:
            self.model = None  # free the previous one first
            config, checkpoint, options = self.methods[method]
            self.model = build_open_vocab_model(config, checkpoint, self.device, options)
            self.loaded = method
        return self.model

    def __call__(self, method: str, rgb: np.ndarray, texts: str):
        import gradio as gr
        if rgb is None:
            raise gr.Error('upload an image first')
        model = self.model_for(method)
        classes = parse_class_list(texts) if texts.strip() else None
        try:
            result = segment_image(model, np.ascontiguousarray(rgb[..., ::-1]), classes)
        except ValueError as exc:  # a closed-set model given other classes, a bad class list
            raise gr.Error(str(exc))
        names = result.class_names
        labels_path = osp.join(self.out_dir, f'labels_{os.getpid()}_{id(result)}.png')
        label_png(result.labels, len(names)).save(labels_path)
        shares = {names[c]: round(float((result.labels == c).mean()), 4) for c in np.unique(result.labels)}
        maps = [(score_map(rgb, result.scores[k]), name) for k, name in enumerate(names)]
        return overlay_with_legend(rgb, result.labels, names), labels_path, shares, maps


def build_app(methods: dict, device: str = 'cpu'):
    import gradio as gr
    segmenter = Segmenter(methods, device)
    with gr.Blocks(title='mmseg_textsup: your image, your classes') as app:
        gr.Markdown('## mmseg_textsup: open-vocabulary segmentation\nUpload an image, name the classes '
                    '(commas between classes, `/` between synonyms), pick a method.')
        with gr.Row():
            with gr.Column():
                method = gr.Dropdown(list(methods), value=next(iter(methods)), label='method', elem_id='method')
                image = gr.Image(type='numpy', label='image', elem_id='image')
                texts = gr.Textbox(value='cat/kitty, grass, sky', label='classes', elem_id='classes')
                run = gr.Button('Segment', variant='primary', elem_id='segment')
            with gr.Column():
                overlay = gr.Image(format='png', label='overlay', elem_id='overlay', interactive=False)
                labels = gr.File(label='label map (palette PNG)', elem_id='labels')
                shares = gr.JSON(label='pixel shares', elem_id='shares')
        scores = gr.Gallery(label='score maps', columns=4, format='png', elem_id='scores')
        run.click(segmenter, inputs=[method, image, texts], outputs=[overlay, labels, shares, scores])
    return app


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
    app = build_app(method_table(args), args.device)
    print(f'serving on http://{args.host}:{args.port}', flush=True)
    app.launch(server_name=args.host, server_port=args.port, show_error=True)


if __name__ == '__main__':
    main()
