"""Load a trained checkpoint and a batch of its config's test split (for the diagnostic tools)."""
from typing import Optional, Sequence, Tuple

from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.registry import DATASETS, MODELS


def load_model_and_test_batch(config: str, checkpoint: str, images: int, no_pretrained: Sequence[str] = (),
                              cfg_options: Optional[dict] = None) -> Tuple:
    """The config's model in eval mode with ``checkpoint``'s weights and its data preprocessor's
    batch of the first ``images`` test images.

    Args:
        config (str): config file.
        checkpoint (str): checkpoint of that config.
        images (int): number of test images.
        no_pretrained (Sequence[str]): model sub-configs (``'backbone'``) whose
            ``pretrained`` is dropped (the checkpoint holds every weight).
        cfg_options (dict, optional): config overrides (``--cfg-options``).

    Returns:
        tuple: (model, preprocessed batch dict with ``inputs`` and ``data_samples``).
    """
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope('mmseg')
    for key in no_pretrained:
        cfg.model[key].pretrained = None
    model = MODELS.build(cfg.model).eval()
    load_checkpoint(model, checkpoint, map_location='cpu')
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    batch = [dataset[i] for i in range(min(images, len(dataset)))]
    data = model.data_preprocessor(dict(inputs=[b['inputs'] for b in batch],
                                        data_samples=[b['data_samples'] for b in batch]), False)
    return model, data
