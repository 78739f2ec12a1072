// testcontainers must not start its reaper (Ryuk) or pull anything: no image can be pulled here,
// and it reaches host-network containers on loopback. Import this before testcontainers.
process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] = '127.0.0.1';

export {};
