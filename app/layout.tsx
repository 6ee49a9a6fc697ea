import './globals.css';

export const metadata = { title: 'Portico', description: 'Guest access administration for Jira-style sites' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans antialiased">{children}</body>
    </html>
  );
}
