"""Paid third-party campaigns (京都市6, 石巻市5): the instruction, the token link, pre-check and disclosure re-check."""
