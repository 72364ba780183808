# CLIP-ES initial CAMs + CAA (no CRF) on VOC 2012 train (paper Table 2: 70.8); background power 2
# as voc21_cams.py (the official evaluation keeps the better of 1 and 2).
_base_ = ['./voc21_cams.py']
model = dict(caa=True, crf=False)
