# CLIP-ES initial CAMs + CAA + dense CRF on VOC 2012 train (paper Tables 1 / 2: 75.0); background
# power 1, as the official eval_cam_with_crf.py.
_base_ = ['./voc21_cams.py']
model = dict(caa=True, crf=True, bg_power=1)
