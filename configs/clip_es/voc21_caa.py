# CLIP-ES initial CAMs + CAA (no CRF) on VOC 2012 train (paper Table 2: 70.8).
_base_ = ['./voc21_cams.py']
model = dict(caa=True, crf=False)
