/** An error as text the person can act on, announced to screen readers; nothing when there is none. */
export function ErrorText({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error}
    </p>
  );
}
