"""Regenerate ``tests/data/simseg_parity.pt`` from the official SimSeg code.

    python tools/parity/simseg.py /path/to/SimSeg     # a checkout of github.com/muyangyi/SimSeg

The official functions run unchanged on fixed random inputs:

- LoDA: ``TopKPooling`` (M^I = 5 over image tokens, M^T = 1 over text tokens with their
  attention mask), ``L2norm`` and the ``NCE`` loss (single process; temperature 0.02) on a
  batch of random projected tokens, and at M^T = 5 (above the batch's shortest caption): the pooled
  embeddings, their similarity and the loss;
- inference: ``tools/seg_evaluation.py``'s ``evaluate_benchmark`` (the class selection, the
  binary CRF, the dilation and erosion, the nearest resize, the stacking by score) and
  ``zero_shot_classifier`` on photographs with random patch tokens; the official model's
  projection and pooling methods (``CLIPModel.forward_image_project`` /
  ``forward_text_project``) run on an object holding the official pooling modules and random
  projections, whose encoders return seeded features (:func:`token_features`). Recorded: the
  class embeddings, every image's scores, the number of masks made and the final label map;
- its binary ``dense_crf`` on 20 random maps with salt-and-pepper pixels at exactly 0 and 1 (where
  the unary's epsilon counts): the masks;
- the same selection loop on 300 random score vectors (16 classes, the background often among
  the candidates): the number of classes it selects.

Only inputs and outputs are saved. The imports the scripts make but these functions do not use
(transformers, apex, the simseg runner) are stood in (``tools/parity/official.py``).
"""
import argparse
import os.path as osp
from types import SimpleNamespace

import numpy as np
import official  # tools/parity/official.py: the script's own folder is on the import path
import open_clip
import skimage.data
import torch
import torchvision.transforms.functional as TF
from PIL import Image

from mmseg_textsup.testing import seeded_tensor

IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
INPUT_SIZE = 64  # 4 x 4 patches of 16 (the official code assumes 16)
LABEL_SIZES = ((50, 70), (64, 64), (80, 56))  # the ground truth's (original) sizes
REGIONS = ((15, 8), (3, 12, 0), (19, ))  # classes planted in each image's tokens (0: background)
TOKEN_DIM, EMBED_DIM, MAX_LENGTH = 24, 16, 25
CRF_MAPS = dict(n=20, size=32, seed=50)
VOC = ['background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow', 'table',
       'dog', 'horse', 'motorbike', 'person', 'plant', 'sheep', 'sofa', 'train', 'monitor']


def tokenize(texts):
    """Token ids and attention masks (max length 25) of open_clip's tokenizer (the inputs only
    need to be reproducible: the official code would use BERT's)."""
    ids = open_clip.tokenize(texts, context_length=MAX_LENGTH)
    return ids, (ids != 0).long()


def token_features(ids: torch.Tensor, seed: int = 10) -> torch.Tensor:
    """Seeded features (B, L, TOKEN_DIM) of token ids: a fixed random embedding per id plus one
    per position (both sides compute them the same way)."""
    table = seeded_tensor((49408, TOKEN_DIM), seed, 'embedding')
    position = seeded_tensor((MAX_LENGTH, TOKEN_DIM), seed + 1, 'embedding')
    return table[ids] + position[:ids.shape[1]]


def weights():
    """The random projections (no bias, as ``SimpleProjection``)."""
    return dict(image_projection=seeded_tensor((EMBED_DIM, TOKEN_DIM), 20),
                text_projection=seeded_tensor((EMBED_DIM, TOKEN_DIM), 21))


def image_tokens(class_embeddings: torch.Tensor, image_projection: torch.Tensor) -> torch.Tensor:
    """Tokens (images, 1 + N, TOKEN_DIM) whose projected patches point at the classes of
    REGIONS (one band of rows each) plus noise, so that the images select different classes."""
    n = INPUT_SIZE // 16
    tokens = seeded_tensor((len(REGIONS), 1 + n * n, TOKEN_DIM), 22, 'embedding')
    lift = torch.linalg.pinv(image_projection)  # TOKEN_DIM, EMBED_DIM
    for i, classes in enumerate(REGIONS):
        rows = torch.arange(n * n).reshape(n, n)
        for band, c in zip(torch.tensor_split(rows, len(classes)), classes):
            tokens[i, 1 + band.flatten()] += 3 * class_embeddings[c] @ lift.t()
    return tokens


def photographs():
    """uint8 RGB photographs at INPUT_SIZE (the official Resize((288, 288)) already applied)."""
    sources = (skimage.data.astronaut(), skimage.data.coffee(), skimage.data.chelsea())
    return [np.asarray(Image.fromarray(s).resize((INPUT_SIZE, INPUT_SIZE), Image.BILINEAR)) for s in sources]


def stand_ins():
    env = SimpleNamespace(device='cpu', rank='cpu')
    quiet = SimpleNamespace(emph=lambda *a, **k: None, info=lambda *a, **k: None)
    utils = official.module('simseg.utils', ENV=env, logger=quiet, all_gather=None, build_from_cfg=None,
                            all_gather_group=None, GatherLayer=None)
    return {
        'transformers': official.module('transformers', AutoTokenizer=None),
        'simseg': official.module('simseg'),
        'simseg.core': official.module('simseg.core', init_device=None, cfg=None, update_cfg=None),
        'simseg.core.hooks': official.module('simseg.core.hooks'),
        'simseg.core.hooks.checkpoint': official.module('simseg.core.hooks.checkpoint', get_dist_state_dict=None),
        'simseg.datasets': official.module('simseg.datasets'),
        'simseg.datasets.seg': official.module('simseg.datasets.seg'),
        'simseg.datasets.seg.seg_dataset': official.module('simseg.datasets.seg.seg_dataset',
                                                           build_torch_valid_loader=None),
        'simseg.models': official.module('simseg.models', PIPELINE=None),
        'simseg.utils': utils,
        'simseg.utils.metrics': official.module('simseg.utils.metrics', mean_iou=None),
        'simseg.utils.prompt': official.module('simseg.utils.prompt', openai_imagenet_template=None),
        'simseg.utils.misc': official.module('simseg.utils.misc', calc_topk_accuracy=lambda *a, **k: [0.0]),
        'simseg.utils.dist': official.module('simseg.utils.dist', generate_local_groups=None),
        'simseg.utils.interpolate_pe': official.module('simseg.utils.interpolate_pe', interpolate_pos_embed=None),
        'simseg.tasks': official.module('simseg.tasks'),
        'simseg.tasks.clip': official.module('simseg.tasks.clip'),
        'simseg.tasks.clip.config': official.module('simseg.tasks.clip.config', task_cfg_init_fn=None,
                                                    update_clip_config=None),
        'simseg.models.pipelines.builder': official.module(
            'simseg.models.pipelines.builder', PIPELINE=SimpleNamespace(register_obj=lambda f: f)),
        'simseg.models.backbones.builder': official.module('simseg.models.backbones.builder', BACKBONE=None),
        'simseg.models.criteria.losses.builder': official.module(
            'simseg.models.criteria.losses.builder', LOSS=SimpleNamespace(register_obj=lambda c: c)),
    }


def run_loda(checkout):
    """Official pooling, normalisation and NCE loss on a random batch."""
    pooling = official.load(checkout, 'simseg/models/components/pooling.py', 'simseg_pooling')
    norm = official.load(checkout, 'simseg/models/components/normalization.py', 'simseg_normalization')
    nce_mod = official.load(checkout, 'simseg/models/criteria/losses/mml_loss.py',
                            'simseg.models.criteria.losses.mml_loss')
    image = seeded_tensor((4, 16, EMBED_DIM), 30, 'embedding')
    text = seeded_tensor((4, 12, EMBED_DIM), 31, 'embedding')
    mask = (torch.arange(12)[None] < torch.tensor([3, 12, 7, 5])[:, None]).long()
    image_emb = norm.L2norm(pooling.TopKPooling(5, dim=1)(image.clone()), dim=-1)
    text_emb = norm.L2norm(pooling.TopKPooling(1, dim=1)(text.clone(), mask), dim=-1)
    text_emb_top5 = norm.L2norm(pooling.TopKPooling(5, dim=1)(text.clone(), mask), dim=-1)  # M^T = 5: k -> 3
    cfg = SimpleNamespace(loss=SimpleNamespace(global_reduce=False, smoothing=0,
                                               temperature=SimpleNamespace(name='parameter', value=0.02)))
    loss = nce_mod.NCE(cfg, 0)(image_emb, text_emb)[0]
    return dict(image_tokens=image, text_tokens=text, text_mask=mask.bool(), image_emb=image_emb, text_emb=text_emb,
                text_emb_top5=text_emb_top5, similarity=image_emb @ text_emb.t(), loss=loss.detach(), temperature=0.02)


def run_inference(checkout):
    """The official evaluate_benchmark on the photographs; what it computed."""
    seg = official.load(checkout, 'tools/seg_evaluation.py', 'simseg_seg_evaluation')
    pooling = official.load(checkout, 'simseg/models/components/pooling.py', 'simseg_pooling')
    norm = official.load(checkout, 'simseg/models/components/normalization.py', 'simseg_normalization')
    projection = official.load(checkout, 'simseg/models/components/projection.py', 'simseg_projection')
    components = official.module('simseg.models.components', L2norm=norm.L2norm, TopKPooling=pooling.TopKPooling,
                                 AvgPooling=pooling.AvgPooling, SimpleProjection=projection.SimpleProjection,
                                 ComplexProjection=projection.ComplexProjection)
    with official.stand_ins({'simseg.models.components': components}):
        clip_mod = official.load(checkout, 'simseg/models/pipelines/clip.py', 'simseg.models.pipelines.clip')
    w = weights()
    image_projection = torch.nn.Linear(TOKEN_DIM, EMBED_DIM, bias=False)
    text_projection = torch.nn.Linear(TOKEN_DIM, EMBED_DIM, bias=False)
    image_projection.weight.data.copy_(w['image_projection'])
    text_projection.weight.data.copy_(w['text_projection'])
    current = {}
    cfg = SimpleNamespace(model=SimpleNamespace(pool=SimpleNamespace(name='loda'),
                                                projection=SimpleNamespace(name='simple')),
                          transforms=SimpleNamespace(normalize=SimpleNamespace(mean=IMAGENET_MEAN, std=IMAGENET_STD),
                                                     input_size=INPUT_SIZE))
    module = SimpleNamespace(
        cfg=cfg, image_projection=image_projection, text_projection=text_projection,
        image_pool=pooling.TopKPooling(5, dim=1), text_pool=pooling.TopKPooling(1, dim=1), text_target_token_idx=0,
        backbone=lambda image: current['tokens'], image_encoder=lambda image: current['tokens'],  # both commits' names
        text_encoder=lambda input_ids, attention_mask: token_features(input_ids))
    for name in ('forward_image_feature', 'forward_image_project', 'forward_text_feature', 'forward_text_project'):
        setattr(module, name, getattr(clip_mod.CLIPModel, name).__get__(module))
    model = SimpleNamespace(module=module)

    def tokenizer(texts, **kwargs):
        assert kwargs == dict(padding='max_length', truncation=True, max_length=MAX_LENGTH)
        ids, mask = tokenize(texts)
        return dict(input_ids=ids.tolist(), attention_mask=mask.tolist())

    templates = official.load(checkout, 'simseg/utils/prompt.py', 'simseg_prompt').openai_imagenet_template
    seg.openai_imagenet_template = templates
    class_embeddings = seg.zero_shot_classifier(model, VOC, templates, tokenizer, seg.ENV)
    tokens = image_tokens(class_embeddings, w['image_projection'])
    crf = seg.dense_crf = Recorder(seg.dense_crf)
    labels = []

    def mean_iou(results=None, **kwargs):  # records the final label map instead of scoring it
        labels.append(torch.from_numpy(results[0].copy()))
        return torch.zeros(len(VOC)), torch.ones(len(VOC))

    seg.mean_iou = mean_iou
    images, counts = photographs(), []
    for i, (rgb, size) in enumerate(zip(images, LABEL_SIZES)):
        current['tokens'] = tokens[i:i + 1]
        x = TF.normalize(TF.to_tensor(Image.fromarray(rgb)), IMAGENET_MEAN, IMAGENET_STD)[None]
        loader = [(x, torch.zeros(1, *size, dtype=torch.long))]
        before = len(crf.calls)
        seg.evaluate_benchmark(loader, model, cfg, tokenizer, VOC, 10)
        counts.append(len(crf.calls) - before)
    return dict(class_embeddings=class_embeddings, image_tokens=tokens,
                images=[torch.from_numpy(r.copy()) for r in images], label_sizes=LABEL_SIZES,
                num_masks=counts, labels=labels)


def run_selection(checkout, n=300, k=16, size=32):
    """The official selection loop of ``evaluate_benchmark`` on random class scores: the class
    embeddings are the unit vectors and the image embedding is the score vector, so the
    scores are exactly the given ones; the number of masks made is recorded."""
    seg = official.load(checkout, 'tools/seg_evaluation.py', 'simseg_seg_evaluation')
    g = torch.Generator().manual_seed(40)
    scores = 0.1 * torch.randn(n, k, generator=g) + 0.3
    scores[::3, 0] += 0.3  # the background often among the candidates
    current = {}
    projection = torch.nn.Linear(k, k, bias=False)
    projection.weight.data.copy_(torch.eye(k))
    module = SimpleNamespace(
        forward_image_feature=lambda image: seeded_tensor((1, (size // 16)**2, k), 41, 'embedding'),
        forward_image_project=lambda features: current['scores'][None], image_projection=projection)
    seg.zero_shot_classifier = lambda *args: torch.eye(k)
    crf = seg.dense_crf = Recorder(seg.dense_crf)
    seg.mean_iou = lambda **kwargs: (torch.zeros(k), torch.ones(k))
    cfg = SimpleNamespace(transforms=SimpleNamespace(normalize=SimpleNamespace(mean=IMAGENET_MEAN, std=IMAGENET_STD),
                                                     input_size=size))
    image = torch.zeros(1, 3, size, size)
    counts = []
    for row in scores:
        current['scores'] = row
        before = len(crf.calls)
        seg.evaluate_benchmark([(image, torch.zeros(1, size, size, dtype=torch.long))],
                               SimpleNamespace(module=module), cfg, None, [str(c) for c in range(k)], 10)
        counts.append(len(crf.calls) - before)
    return dict(scores=scores, num_masks=torch.tensor(counts))


def crf_maps(n=CRF_MAPS['n'], size=CRF_MAPS['size'], seed=CRF_MAPS['seed']) -> torch.Tensor:
    """Smooth random maps (n, size, size) in 8 levels with 3 % of the pixels set to exactly 1 and
    3 % to exactly 0 (salt and pepper): where p is 0 or 1 the unary's epsilon decides whether the
    CRF flips a pixel (reproducible on every machine)."""
    g = torch.Generator().manual_seed(seed)
    smooth = torch.nn.functional.interpolate(torch.rand(n, 1, 4, 4, generator=g), size=(size, size),
                                             mode='bilinear', align_corners=False)[:, 0]
    noise = torch.rand(n, size, size, generator=g)
    return torch.where(noise < 0.03, 1.0, torch.where(noise > 0.97, 0.0, torch.round(7 * smooth) / 7))


def crf_image() -> np.ndarray:
    """The first photograph at CRF_MAPS' size."""
    size = CRF_MAPS['size']
    return np.array(Image.fromarray(skimage.data.astronaut()).resize((size, size), Image.BILINEAR))


def run_crf(checkout):
    """The official binary ``dense_crf`` on the maps of :func:`crf_maps`: the masks, bit-packed."""
    seg = official.load(checkout, 'tools/seg_evaluation.py', 'simseg_seg_evaluation')
    masks = np.stack([seg.dense_crf(crf_image(), m) for m in crf_maps().numpy().astype(np.float32)])
    return dict(maps=CRF_MAPS, masks=torch.from_numpy(np.packbits(masks.astype(bool))))


class Recorder:
    def __init__(self, fn):
        self.fn, self.calls = fn, []

    def __call__(self, *args, **kwargs):
        out = self.fn(*args, **kwargs)
        self.calls.append(out)
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout', help='path of a checkout of github.com/muyangyi/SimSeg')
    parser.add_argument('--out', default=osp.join(osp.dirname(__file__), '../../tests/data/simseg_parity.pt'))
    args = parser.parse_args()
    checkout = osp.abspath(args.checkout)
    with official.stand_ins(stand_ins()), official.cuda_calls_stay_on_cpu(), torch.no_grad():
        fixtures = dict(loda=run_loda(checkout), inference=run_inference(checkout), selection=run_selection(checkout),
                        crf=run_crf(checkout),
                        classes=VOC,
                        mean=IMAGENET_MEAN, std=IMAGENET_STD)
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
