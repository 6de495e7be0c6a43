"""Indonesian domain vocabulary for synthetic SOP AP documents.

Everything the generator says comes from here: offices, roles and the header
labels they are printed under, procedure topics, regulations, names with
academic titles. The lists follow what real SOP AP exports contain (see the
seeds in ``corpus/``) so that generated documents exercise the same
vocabulary the pipeline meets in the field, without copying any one document.

Role ids are those of the pipeline's registry (``normalize/roles.yaml``);
the labels are spellings seen in real headers, each one the registry maps
back to its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["top", "mid", "low", "low2", "staff", "staff2", "team", "ext", "above"]


@dataclass(frozen=True)
class RoleChoice:
    """A registry role and the header labels offices print for it."""

    id: str
    name: str
    labels: tuple[str, ...]
    spoken: str  # how activity texts name the role ("dikembalikan kepada ...")


def _r(role_id: str, name: str, labels: tuple[str, ...], spoken: str | None = None) -> RoleChoice:
    return RoleChoice(role_id, name, labels, spoken or labels[0])


# --------------------------------------------------------------------------- roles
CAMAT = _r("camat", "Camat", ("Camat", "CAMAT"))
SEKCAM = _r("sekretaris_kecamatan", "Sekretaris Kecamatan",
            ("Sekcam", "Sekretaris Camat", "Sekretaris Kecamatan", "Sekretaris"), "Sekretaris Camat")
KASUBAG_UMPEG = _r("kasubag_umum_kepegawaian", "Kasubag Umum dan Kepegawaian",
                   ("Kasubag Umum", "Kasubbag Umpeg", "KASUBBAG UMPEG", "Kasubag Umum dan Kepegawaian"),
                   "Kasubag Umum")
KASUBAG_RENKEU = _r("kasubag_perencanaan_keuangan", "Kasubag Perencanaan dan Keuangan",
                    ("Kasubag Perencanaan", "Kasubag Perencanaan dan Keuangan", "Kasubbag Renkeu"),
                    "Kasubag Perencanaan")
KASUBAG_EVAPOR = _r("kasubag_evaluasi_pelaporan", "Kasubag Evaluasi dan Pelaporan",
                    ("Kasubag Evapor", "Kasubag Evaluasi dan Pelaporan", "Kasub Evapor"), "Kasubag Evapor")
KASI_PEM = _r("kasi_pemerintahan", "Kasi Pemerintahan", ("Kasi Pem", "Kasi Pemerintahan"), "Kasi Pemerintahan")
KASI_TRANTIB = _r("kasi_trantib", "Kasi Ketenteraman dan Ketertiban Umum", ("Kasi Trantib",), "Kasi Trantib")
KASI_PMD = _r("kasi_pmd", "Kasi Pemberdayaan Masyarakat Desa", ("Kasi PMD",), "Kasi PMD")
KASI = _r("kasi", "Kepala Seksi", ("Kasi", "Kepala Seksi"), "Kasi")
STAF = _r("staf", "Staf", ("Staf", "Staf Umum", "Staf Pelaksana"), "staf")
JFU = _r("fungsional_umum", "Fungsional Umum", ("Fungsional Umum", "JFU"), "Fungsional Umum")
PENGADM = _r("pengadministrasi_kepegawaian", "Pengadministrasi Kepegawaian",
             ("Pengadministrasi Kepegawaian", "PENGADMINISTRASI KEPEGAWAIAN"), "Pengadministrasi Kepegawaian")
TIM = _r("tim", "Tim", ("Tim", "Tim Penyusun"), "Tim")
TIM_MONEV = _r("tim_monitoring", "Tim Monitoring", ("Tim Monitoring", "Tim Monev"), "Tim Monitoring")
BUPATI = _r("bupati", "Bupati", ("Bupati",))
SEKDA = _r("sekda", "Sekretaris Daerah", ("Sekda", "Sekretaris Daerah"), "Sekda")
PEMOHON = _r("pemohon", "Pemohon", ("Pemohon",))
MASYARAKAT = _r("masyarakat", "Masyarakat", ("Masyarakat",))
KADES = _r("kepala_desa", "Kepala Desa", ("Kepala Desa", "Kades"))

KEPALA_BPS = _r("kepala_bps", "Kepala BPS", ("Kepala BPS", "Kepala BPS Kabupaten"), "Kepala BPS")
KASUBBAG_UMUM_BPS = _r("kepala_subbagian_umum", "Kepala Subbagian Umum",
                       ("Kepala Subbagian Umum", "Kepala Sub Bagian Umum"), "Kepala Subbagian Umum")
STATISTISI = _r("statistisi", "Statistisi", ("Statistisi", "Fungsional Statistisi"), "Statistisi")
PRAKOM = _r("pranata_komputer", "Pranata Komputer", ("Pranata Komputer", "Prakom"), "Pranata Komputer")

KADIS = _r("kepala_dinas", "Kepala Dinas", ("Kepala Dinas", "Kadis"), "Kepala Dinas")
SEKDIS = _r("sekretaris_dinas", "Sekretaris Dinas", ("Sekretaris Dinas", "Sekdis"), "Sekretaris Dinas")
KABID = _r("kepala_bidang", "Kepala Bidang", ("Kepala Bidang", "Kabid"), "Kepala Bidang")
OPERATOR = _r("operator", "Operator", ("Operator",))
BENDAHARA = _r("bendahara", "Bendahara", ("Bendahara", "Bendahara Pengeluaran"), "Bendahara")
PETUGAS = _r("petugas", "Petugas", ("Petugas Loket", "Petugas Pelayanan", "Petugas"), "Petugas")


@dataclass(frozen=True)
class Agency:
    """A kind of office: how it is named and which roles fill each level of its hierarchy."""

    kind: str
    instansi: tuple[str, ...]  # templates with {kab}
    unit: tuple[str, ...]  # templates with {kab}, {kec}
    signer: str  # jabatan template of the head, with {kab}, {kec}, {unit}
    nomor: tuple[str, ...]  # templates with {a}, {b}, {code}, {year}
    levels: dict[str, tuple[RoleChoice, ...]]


KECAMATAN = Agency(
    kind="kecamatan",
    instansi=("Pemerintah Kabupaten {kab}", "PEMERINTAH KABUPATEN {kab_u}", "Pemerintah Kab. {kab}"),
    unit=("Kecamatan {kec}", "KECAMATAN {kec_u}"),
    signer="Camat {kec}",
    nomor=("{a}/{b}/Kec.{code}/{year}", "{a}/{b}/{year}", "SOP/{b}/KEC.{code_u}/{year}", "{a} / {b} / {year}"),
    levels={
        "top": (CAMAT,),
        "mid": (SEKCAM,),
        "low": (KASUBAG_UMPEG, KASUBAG_RENKEU, KASUBAG_EVAPOR),
        "low2": (KASI_PEM, KASI_TRANTIB, KASI_PMD, KASI),
        "staff": (STAF, JFU, PENGADM),
        "staff2": (JFU, STAF),
        "team": (TIM, TIM_MONEV),
        "ext": (PEMOHON, MASYARAKAT, KADES),
        "above": (BUPATI, SEKDA),
    },
)

BPS = Agency(
    kind="bps",
    instansi=("Badan Pusat Statistik", "BADAN PUSAT STATISTIK"),
    unit=("BPS Kabupaten {kab}", "Badan Pusat Statistik Kabupaten {kab}"),
    signer="Kepala BPS Kabupaten {kab}",
    nomor=("B-{b}/{a}/HM.{code_n}/{year}", "SOP-{b}/{a}/{year}"),
    levels={
        "top": (KEPALA_BPS,),
        "mid": (KASUBBAG_UMUM_BPS,),
        "low": (STATISTISI,),
        "low2": (STATISTISI,),
        "staff": (PRAKOM, STAF),
        "staff2": (PRAKOM,),
        "team": (TIM,),
        "ext": (PEMOHON, MASYARAKAT),
        "above": (KEPALA_BPS,),
    },
)

DINAS = Agency(
    kind="dinas",
    instansi=("Pemerintah Kabupaten {kab}", "PEMERINTAH KABUPATEN {kab_u}"),
    unit=("Dinas Kependudukan dan Pencatatan Sipil", "Dinas Komunikasi dan Informatika",
          "Dinas Sosial", "Dinas Penanaman Modal dan PTSP"),
    signer="Kepala {unit}",
    nomor=("{a}/{b}/{code}/{year}", "{a}.{b}/SOP/{year}"),
    levels={
        "top": (KADIS,),
        "mid": (SEKDIS,),
        "low": (KABID,),
        "low2": (BENDAHARA, KABID),
        "staff": (STAF, OPERATOR),
        "staff2": (OPERATOR, PETUGAS),
        "team": (TIM,),
        "ext": (PEMOHON, MASYARAKAT),
        "above": (BUPATI, SEKDA),
    },
)

AGENCIES: tuple[tuple[Agency, float], ...] = ((KECAMATAN, 0.7), (BPS, 0.15), (DINAS, 0.15))

KABUPATEN = ("Purwakarta", "Banyumas", "Siak", "Sleman", "Klaten", "Gresik", "Kampar", "Sumedang", "Garut",
             "Cianjur", "Bantul", "Pati", "Jepara", "Lombok Timur", "Gowa", "Bone", "Kutai Kartanegara",
             "Tapanuli Utara", "Minahasa", "Banjar")
KECAMATAN_NAMES = ("Bungursari", "Wangon", "Bungaraya", "Sukasari", "Cibatu", "Mlati", "Depok", "Kalasan",
                   "Pedan", "Manyar", "Tambang", "Jatinangor", "Tarogong", "Ciranjang", "Sewon", "Juwana",
                   "Mayong", "Selong", "Somba Opu", "Tanete Riattang", "Tenggarong", "Siborongborong")

# --------------------------------------------------------------------------- topics
ProcessKind = Literal["dokumen", "layanan"]


@dataclass(frozen=True)
class Topic:
    """One procedure: its name and the object its steps handle."""

    nama: str
    obj: str  # object phrase used inside activity texts
    kind: ProcessKind
    agencies: tuple[str, ...]


TOPICS = (
    Topic("Penyusunan Rencana Kerja", "Rencana Kerja", "dokumen", ("kecamatan", "dinas")),
    Topic("Penyusunan Perjanjian Kinerja", "Perjanjian Kinerja", "dokumen", ("kecamatan", "dinas", "bps")),
    Topic("Penyusunan Laporan Kinerja Instansi Pemerintah", "Laporan Kinerja", "dokumen",
          ("kecamatan", "dinas", "bps")),
    Topic("Pengukuran Kinerja", "dokumen pengukuran kinerja", "dokumen", ("kecamatan", "dinas")),
    Topic("Penyusunan Rencana Strategis", "Rencana Strategis", "dokumen", ("kecamatan", "dinas")),
    Topic("Penyusunan Laporan Keuangan Bulanan", "Laporan Keuangan", "dokumen", ("kecamatan", "dinas")),
    Topic("Pengusulan Kenaikan Pangkat Pegawai", "usulan kenaikan pangkat", "dokumen", ("kecamatan", "dinas")),
    Topic("Pengajuan Cuti Pegawai", "surat izin cuti", "dokumen", ("kecamatan", "dinas", "bps")),
    Topic("Penyusunan Daftar Urut Kepangkatan", "Daftar Urut Kepangkatan", "dokumen", ("kecamatan",)),
    Topic("Penyusunan Laporan Penyelenggaraan Pemerintahan Kecamatan", "LPPK", "dokumen", ("kecamatan",)),
    Topic("Penyusunan Publikasi Kecamatan Dalam Angka", "publikasi Kecamatan Dalam Angka", "dokumen", ("bps",)),
    Topic("Penyusunan Berita Resmi Statistik", "Berita Resmi Statistik", "dokumen", ("bps",)),
    Topic("Pengolahan Data Survei Harga Konsumen", "data Survei Harga Konsumen", "dokumen", ("bps",)),
    Topic("Pelayanan Surat Keterangan Domisili", "Surat Keterangan Domisili", "layanan", ("kecamatan",)),
    Topic("Pelayanan Surat Keterangan Tidak Mampu", "Surat Keterangan Tidak Mampu", "layanan", ("kecamatan",)),
    Topic("Pelayanan Rekomendasi Izin Keramaian", "rekomendasi izin keramaian", "layanan", ("kecamatan",)),
    Topic("Pelayanan Surat Keterangan Ahli Waris", "Surat Keterangan Ahli Waris", "layanan", ("kecamatan",)),
    Topic("Pelayanan Permintaan Data Statistik", "data statistik", "layanan", ("bps",)),
    Topic("Pelayanan Legalisasi Dokumen Kependudukan", "legalisasi dokumen", "layanan", ("dinas",)),
    Topic("Penerbitan Izin Usaha Mikro dan Kecil", "Izin Usaha Mikro dan Kecil", "layanan", ("kecamatan", "dinas")),
)

# --------------------------------------------------------------------------- identity lists
DASAR_HUKUM = (
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara",
    "Undang-Undang Nomor 16 Tahun 1997 tentang Statistik",
    "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan",
    "Peraturan Pemerintah Nomor 60 Tahun 2008 tentang Sistem Pengendalian Intern Pemerintah",
    "Peraturan Pemerintah Nomor 8 Tahun 2006 tentang Pelaporan Keuangan dan Kinerja Instansi Pemerintah",
    "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 35 Tahun 2012 tentang "
    "Pedoman Penyusunan Standar Operasional Prosedur Administrasi Pemerintahan",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun 2014 tentang "
    "Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu atas Laporan Kinerja",
    "Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017 tentang Tata Cara Perencanaan, Pengendalian dan "
    "Evaluasi Pembangunan Daerah",
    "Peraturan Bupati {kab} Nomor {n} Tahun {year} tentang Kedudukan, Susunan Organisasi, Tugas dan Fungsi "
    "serta Tata Kerja {unit_kind}",
    "Peraturan Bupati {kab} Nomor {n2} Tahun {year2} tentang Pelimpahan Sebagian Kewenangan Bupati kepada Camat",
    "Peraturan Kepala Badan Pusat Statistik Nomor 7 Tahun 2020 tentang Organisasi dan Tata Kerja BPS",
)
KUALIFIKASI = (
    "Memahami peraturan perundang-undangan yang terkait",
    "Memahami tugas pokok dan fungsi serta uraian tugas",
    "Mampu mengoperasikan komputer",
    "Menguasai penggunaan peralatan komputer dan perlengkapannya",
    "Pernah mengikuti bimbingan teknis penyusunan dokumen perencanaan",
    "Minimal berpendidikan SLTA atau sederajat",
    "Memiliki kemampuan komunikasi yang baik",
    "Teliti dan bertanggung jawab",
    "Memahami metodologi statistik dasar",
)
KETERKAITAN = (
    "SOP Pengiriman Surat",
    "SOP Penomoran Surat Keluar",
    "SOP Pelaksanaan Rapat",
    "SOP Penyusunan Rencana Kerja",
    "SOP Pengarsipan Dokumen",
    "SOP Pelayanan Administrasi Terpadu Kecamatan",
    "SOP Pengelolaan Surat Masuk",
)
PERALATAN = (
    "Alat Tulis Kantor",
    "Komputer/laptop",
    "Printer",
    "Jaringan internet",
    "Buku agenda",
    "Stempel dinas",
    "Peraturan perundang-undangan yang berlaku",
    "Data dan informasi yang terkait dengan pelaksanaan program",
    "Aplikasi SRIKANDI",
    "Map dan ordner arsip",
)
PERINGATAN = (
    "Apabila SOP ini tidak dilaksanakan maka {obj} tidak dapat diselesaikan tepat waktu",
    "Jika tidak dilaksanakan, maka sasaran pelaksanaan tugas dan fungsi instansi tidak tercapai",
    "Keterlambatan penyampaian {obj} akan menghambat proses pelaporan",
    "Berkas yang tidak lengkap dikembalikan kepada pemohon",
    "Kesalahan data berakibat pada tidak validnya {obj}",
)
PENCATATAN = (
    "{top} : Lembar disposisi, tanda tangan",
    "{mid} : Lembar disposisi, paraf",
    "{low} : Lembar kendali, paraf",
    "Buku agenda surat keluar",
    "Setiap tahap terdokumentasi dengan baik dalam bentuk softcopy maupun hardcopy",
    "Arsip {obj}",
)

# --------------------------------------------------------------------------- people
FIRST_NAMES = ("Asep", "Dedi", "Siti", "Nurhayati", "Bambang", "Agus", "Hendra", "Rina", "Sri", "Yusuf", "Ahmad",
               "Dewi", "Iwan", "Rudi", "Wahyu", "Endang", "Tri", "Lilis", "Muhammad", "Aminah", "Budi", "Eko")
LAST_NAMES = ("Suryana", "Hidayat", "Wibowo", "Rahmawati", "Santoso", "Saputra", "Kurniawan", "Lestari",
              "Permana", "Nugroho", "Setiawan", "Mulyadi", "Hasibuan", "Siregar", "Pratama", "Susanti", "Harahap")
TITLES_BEFORE = ("Drs.", "H.", "Hj.", "Dr.", "Ir.")
TITLES_AFTER = ("S.Sos", "S.IP", "M.Si", "S.STP", "M.AP", "SH", "S.E.", "M.M.", "S.Kom", "S.ST", "M.Stat")

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")

# --------------------------------------------------------------------------- step phrases
KETERANGAN = (
    "SOP Pengiriman Surat",
    "SOP Pelaksanaan Rapat",
    "SOP Penomoran Surat",
    "Melalui aplikasi SRIKANDI",
    "Dilaksanakan setiap triwulan",
    "Paling lambat tanggal 10 bulan berikutnya",
    "Kepada Kasi dan Kasubag",
)
