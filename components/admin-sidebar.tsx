import Link from 'next/link';

const SECTIONS = [
  { heading: 'User management', links: [{ href: '/admin/users', label: 'Users' }, { href: '/admin/requests', label: 'Approve requests' }] },
  {
    heading: 'Security',
    links: [
      { href: '/admin/security/external-users', label: 'External users' },
      { href: '/admin/api-keys', label: 'API keys' },
      { href: '/admin/audit-log', label: 'Audit log' },
    ],
  },
  { heading: 'Billing', links: [{ href: '/admin/billing', label: 'Billing' }] },
];

export function AdminSidebar() {
  return (
    <aside className="min-h-[calc(100vh-3.5rem)] w-60 shrink-0 border-r border-border bg-sunken p-4">
      <p className="mb-4 text-lg font-semibold">Settings</p>
      <nav aria-label="Settings">
        {SECTIONS.map((section) => (
          <div key={section.heading} className="mb-4">
            <p className="mb-1 px-2 text-xs font-semibold text-text-subtlest uppercase">{section.heading}</p>
            <ul>
              {section.links.map((link) => (
                <li key={link.href}>
                  <Link href={link.href} className="block rounded px-2 py-1.5 text-text-subtle hover:bg-neutral">
                    {link.label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
    </aside>
  );
}
