/**
 * The block a person sees in their terminal on the first boot: where the gateway is, and how to log
 * in. Only printed on a TTY (logs shipped elsewhere carry the same facts as a log line).
 */
export function firstBootBanner(info: { url: string; graphiql: boolean; username: string; generatedPassword: string | undefined }): string {
  const password = info.generatedPassword
    ? `${info.generatedPassword}   (generated now and shown only once)`
    : '(the ADMIN_PASSWORD you set)';
  const lines = [
    '',
    '  wamux is running',
    '',
    `    URL        ${info.url}`,
    info.graphiql ? `    GraphiQL   ${info.url}/graphql` : '    GraphiQL   off (GRAPHIQL=false or NODE_ENV=production)',
    `    Health     ${info.url}/readyz     Metrics  ${info.url}/metrics`,
    `    Admin      ${info.username}`,
    `    Password   ${password}`,
    '',
    `  Change it: stop the gateway, then  ./wamux admin reset-password ${info.username}`,
    '  (or set ADMIN_PASSWORD before the very first boot).',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
