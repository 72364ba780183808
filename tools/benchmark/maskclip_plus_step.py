"""Cost of a MaskCLIP+ training iteration relative to the student alone, and of the teacher
relative to one plain CLIP image forward (random weights, same batch, CPU or GPU).

    python tools/benchmark/maskclip_plus_step.py [--config configs/maskclip_plus/voc.py]
        [--batch 2] [--size 320] [--device cpu]

Contenders (interleaved, medians):
- student step: forward + loss + backward of the student on given targets (no teacher);
- MaskCLIP+ step: the same with the frozen teacher labelling the batch (MaskCLIPPlus.loss);
- CLIP image forward: the teacher's image tower, global embedding only;
- teacher forward: MaskCLIPPlus.teacher_probabilities (dense read-out + text classifier);
- the student step and the student forward with the weights channels-last (``--channels-last``
  of tools/train.py / tools/test.py) against the same in the default layout.
Prints last: teacher forward / CLIP image forward (target: <= 1.10, i.e. at most one CLIP
forward per batch) after the step ratio.
"""
import argparse
import copy

import torch
from mmengine.config import Config
from mmengine.model.utils import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from benchmark_utils import compare, format_report, peak_cuda_memory


def build_random_model(config: str, device: str):
    cfg = Config.fromfile(config)
    init_default_scope('mmseg')
    model_cfg = cfg.model
    for text in (model_cfg.teacher.decode_head.text_encoder, model_cfg.classifier.text_encoder):
        text.pretrained = None
        text.templates = 'single'  # one prompt per class: text encoding is cached anyway
    model_cfg.teacher.backbone.pretrained = None
    model_cfg.backbone.init_cfg = None
    model = revert_sync_batchnorm(MODELS.build(model_cfg))  # random weights: no init_weights needed
    return model.to(device).train()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', default='configs/maskclip_plus/voc.py')
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--size', type=int, default=320)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    torch.manual_seed(0)
    model = build_random_model(args.config, args.device)
    n, s = args.batch, args.size
    inputs = torch.randn(n, 3, s, s, device=args.device)
    labels = torch.randint(0, model.num_classes, (n, s, s), device=args.device)

    def samples():
        return [SegDataSample(metainfo=dict(img_shape=(s, s), pad_shape=(s, s)),
                              gt_sem_seg=PixelData(data=labels[i][None])) for i in range(n)]

    def student_step(student=model):
        logits = student.decode_head.forward(student.extract_feat(inputs))
        loss = sum(v for k, v in student.decode_head.loss_by_feat(logits, samples()).items() if 'loss' in k)
        loss.backward()

    def student_forward(student=model):
        with torch.no_grad():
            return student.decode_head.forward(student.extract_feat(inputs))

    channels_last = copy.deepcopy(model).to(memory_format=torch.channels_last)  # what ChannelsLastRunner does

    def maskclip_plus_step():
        losses = model.loss(inputs, samples())
        sum(v for k, v in losses.items() if 'loss' in k).backward()

    teacher_x = model._teacher_inputs(inputs)
    medians = compare({
        'student step': student_step,
        'MaskCLIP+ step (teacher-guided)': maskclip_plus_step,
        'CLIP image forward (teacher tower)':
        lambda: _no_grad(model.teacher.backbone.forward_features, teacher_x, ('global', )),
        'teacher forward (dense + classifier)': lambda: model.teacher_probabilities(inputs),
        'student step, channels-last': lambda: student_step(channels_last),
        'student forward': student_forward,
        'student forward, channels-last': lambda: student_forward(channels_last),
    }, repeats=args.repeats)
    print(f'{args.config}, batch {n}x3x{s}x{s}, {args.device}, CPU threads: {torch.get_num_threads()}')
    print(format_report(medians, 'student step'))
    peak = peak_cuda_memory(maskclip_plus_step)
    if peak is not None:
        print(f'MaskCLIP+ step: peak CUDA memory {peak / 2**30:.2f} GiB')
    step = medians['MaskCLIP+ step (teacher-guided)'] / medians['student step']
    teacher = medians['teacher forward (dense + classifier)'] / medians['CLIP image forward (teacher tower)']
    print(f'MaskCLIP+ step / student step = {step:.3f}')
    cl_step = medians['student step, channels-last'] / medians['student step']
    cl_forward = medians['student forward, channels-last'] / medians['student forward']
    print(f'channels-last / default: student step {cl_step:.3f}, student forward {cl_forward:.3f}')
    print(f'teacher forward / CLIP image forward = {teacher:.3f} (target <= 1.10)')


def _no_grad(fn, *args):
    with torch.no_grad():
        return fn(*args)


if __name__ == '__main__':
    main()
