"""Field names of the `sopbaku/1` format, defined once for the model, the raw
intermediate and the evaluation."""

from __future__ import annotations

IDENTITY_TEXT_FIELDS = ("instansi", "unit", "nomor", "nama")
IDENTITY_DATE_FIELDS = ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan")
IDENTITY_LIST_FIELDS = (
    "dasar_hukum",
    "kualifikasi_pelaksana",
    "keterkaitan",
    "peralatan_perlengkapan",
    "peringatan",
    "pencatatan_pendataan",
)
SIGNER_FIELDS = ("jabatan", "nama", "nip")
SIGNATURE_FIELDS = ("tempat", "tanggal", "jabatan", "nama", "nip")
STEP_TEXT_FIELDS = ("kegiatan", "kelengkapan", "output", "keterangan")
