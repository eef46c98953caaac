/**
 * The subscriber agreement ("Perjanjian Pemilik Sertifikat") a holder accepts before a certificate
 * is issued; its version is recorded with the time on every certificate.
 */
export const subscriberAgreement = {
  version: '2026-12-01',
  text: [
    'Perjanjian Pemilik Sertifikat Elektronik',
    '',
    '1. Data dalam sertifikat: nama lengkap, alamat e-mail dinas, unit kerja dan instansi Anda dicantumkan dalam sertifikat elektronik dan dapat dilihat oleh siapa pun yang memeriksa dokumen yang Anda tandatangani. NIK tidak dicantumkan.',
    '2. Kendali tunggal: kunci privat Anda dibuat di dalam layanan dan disimpan terenkripsi dengan passphrase Anda. Hanya Anda yang mengetahui passphrase; petugas, verifikator, maupun penyelenggara tidak dapat menandatangani atas nama Anda.',
    '3. Kewajiban Anda: jaga kerahasiaan passphrase, kata sandi dan perangkat OTP; jangan memberitahukannya kepada siapa pun; gunakan sertifikat hanya untuk keperluan kedinasan yang sah.',
    '4. Pencabutan: segera cabut sertifikat bila Anda menduga passphrase atau akun Anda diketahui orang lain, bila data dalam sertifikat tidak lagi benar, atau bila Anda berhenti atau pindah instansi.',
    '5. Kunci: lima kali salah passphrase berturut-turut mengunci kunci tanda tangan Anda sampai Anda melakukan reset passphrase. Reset passphrase menerbitkan kunci dan sertifikat baru dan mencabut sertifikat lama.',
    '6. Masa berlaku: sertifikat berlaku dua tahun dan dapat diperbarui dalam 30 hari terakhir masa berlakunya. Sertifikat yang sudah kedaluwarsa tidak dapat diperbarui; ajukan permintaan sertifikat baru.',
    '7. Akibat hukum: tanda tangan elektronik yang dibuat dengan sertifikat ini memiliki kekuatan hukum sesuai Undang-Undang Informasi dan Transaksi Elektronik dan peraturan pelaksanaannya.',
  ].join('\n'),
} as const;
