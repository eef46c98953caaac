/** The privacy policy shown during activation; its version is recorded with every consent. */
export const privacyPolicy = {
  version: '2026-11-01',
  text: [
    'Kebijakan Privasi Layanan Tanda Tangan Elektronik (TTE)',
    '',
    '1. Data yang dikumpulkan: nama lengkap sesuai KTP, NIK, data kepegawaian (NIP/NRP, jabatan, unit kerja, instansi, provinsi dan kota), alamat e-mail dinas, nomor ponsel, foto KTP dan foto swafoto.',
    '2. Tujuan: data digunakan hanya untuk memverifikasi identitas Anda, menerbitkan dan mengelola sertifikat elektronik, serta melaksanakan penandatanganan elektronik atas permintaan Anda.',
    '3. Dasar hukum: pemrosesan dilakukan berdasarkan persetujuan Anda dan kewajiban hukum penyelenggara sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi serta peraturan tentang penyelenggaraan sertifikasi elektronik.',
    '4. Keamanan: NIK disimpan terenkripsi, foto disimpan terenkripsi dengan akses terbatas, dan passphrase Anda tidak pernah disimpan. Petugas verifikasi hanya dapat melihat data pengguna dari instansinya sendiri.',
    '5. Penyimpanan: data disimpan selama sertifikat Anda berlaku dan selama masa retensi yang diwajibkan peraturan, kemudian dihapus.',
    '6. Hak Anda: Anda berhak mengakses, memperbaiki, dan meminta penghapusan data Anda, serta menarik persetujuan, melalui verifikator instansi Anda. Penarikan persetujuan dapat mengakibatkan pencabutan sertifikat.',
    '7. Kontak: pertanyaan tentang pelindungan data dapat disampaikan kepada Dinas Komunikasi dan Informatika penyelenggara layanan.',
  ].join('\n'),
} as const;
