"""MaskCLIP inference throughput in fp32 and bf16, with the achieved fraction of the device's peak.

    python tools/benchmark/maskclip_throughput.py [--model ViT-B-16] [--size 448] [--batch 32]
        [--device cuda] [--peak-tflops-bf16 989 --peak-tflops-fp32 67]

The model is MaskCLIP as in configs/maskclip/ (dense read-out + text classifier + upsampling,
whole-image inference, random weights). FLOPs of one forward are counted with torch's
``FlopCounterMode`` (a multiply-add counts 2). Contenders (interleaved, medians):
- fp32: float32 weights and inputs (TF32 off);
- tf32 (CUDA only): the same with TF32 matmuls allowed;
- bf16 autocast: ``torch.autocast(dtype=torch.bfloat16)`` over float32 weights, what
  ``tools/test.py --amp bf16`` does;
- bf16 weights: the model and inputs cast to bfloat16.
Peaks come from ``benchmark_utils.PEAK_TFLOPS`` for known GPUs, or the options.
Prints last: best bf16 images/s and its fraction of the bf16 peak (moonshot: >= 50 %).
"""
import argparse
import copy

import torch
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from benchmark_utils import compare, count_flops, peak_tflops


def build_maskclip(model_name: str, device: str):
    return MODELS.build(dict(
        type='OpenVocabEncoderDecoder',
        backbone=dict(type='OpenCLIPVision', model_name=model_name, outputs=('dense', )),
        decode_head=dict(type='MaskCLIPHead', text_encoder=dict(
            type='OpenCLIPTextClassifier', model_name=model_name, vocabulary='voc21', templates='single')),
        test_cfg=dict(mode='whole'))).to(device).eval()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', default='ViT-B-16')
    parser.add_argument('--size', type=int, default=448)
    parser.add_argument('--batch', type=int, default=None, help='default: 32 on CUDA, 1 on CPU')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--peak-tflops-fp32', type=float, default=None)
    parser.add_argument('--peak-tflops-bf16', type=float, default=None)
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    cuda = args.device.startswith('cuda')
    batch = args.batch or (32 if cuda else 1)  # CPU autocast: see docs/benchmarks.md on batch > 1
    model = build_maskclip(args.model, args.device)
    x = torch.randn(batch, 3, args.size, args.size, device=args.device)
    metas = [dict(ori_shape=x.shape[2:], img_shape=x.shape[2:], pad_shape=x.shape[2:],
                  padding_size=[0, 0, 0, 0])] * batch
    with torch.no_grad():
        model.encode_decode(x[:1], metas[:1])  # text embeddings are computed once, then cached
        flops_per_image = count_flops(lambda: model.encode_decode(x[:1], metas[:1]))
    model_bf16 = copy.deepcopy(model).to(torch.bfloat16)
    x_bf16 = x.to(torch.bfloat16)

    def fp32(tf32=False):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        return model.encode_decode(x, metas)

    def autocast_bf16():
        with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
            return model.encode_decode(x, metas)

    contenders = {'fp32': fp32}
    if cuda:
        contenders['tf32'] = lambda: fp32(tf32=True)
    contenders.update({'bf16 autocast': autocast_bf16, 'bf16 weights': lambda: model_bf16.encode_decode(x_bf16, metas)})
    with torch.no_grad():
        medians = compare(contenders, repeats=args.repeats)
    torch.backends.cuda.matmul.allow_tf32 = False
    peaks = {'fp32': args.peak_tflops_fp32 or peak_tflops(args.device, 'float32'),
             'tf32': peak_tflops(args.device, 'tf32'),
             'bf16': args.peak_tflops_bf16 or peak_tflops(args.device, 'bfloat16')}
    device_name = torch.cuda.get_device_name(torch.device(args.device)) if cuda else 'CPU'
    print(f'MaskCLIP {args.model}, {batch}x3x{args.size}x{args.size}, {device_name}, '
          f'CPU threads: {torch.get_num_threads()}; {flops_per_image / 1e9:.1f} GFLOPs per image (forward)')
    rates = {}
    for name, seconds in medians.items():
        rates[name] = batch / seconds
        tflops = rates[name] * flops_per_image / 1e12
        peak = peaks[name.split()[0]]
        share = f'{100 * tflops / peak:5.1f} % of the {peak:g} TFLOP/s peak' if peak else 'peak unknown'
        print(f'{name:<14s} {seconds * 1000:9.1f} ms per batch  {rates[name]:8.1f} images/s  '
              f'{tflops:7.2f} TFLOP/s  {share}')
    best = max(('bf16 autocast', 'bf16 weights'), key=rates.get)
    share = (f'{100 * rates[best] * flops_per_image / 1e12 / peaks["bf16"]:.1f} % of the bf16 peak (moonshot >= 50 %)'
             if peaks['bf16'] else 'bf16 peak unknown (pass --peak-tflops-bf16)')
    print(f'best bf16 ({best}): {rates[best]:.1f} images/s = {rates[best] / rates["fp32"]:.2f}x fp32; {share}')


if __name__ == '__main__':
    main()
