/** Any address no route claims: the root ErrorBoundary shows "Sidan finns inte" with status 404. */
export async function loader() {
  throw new Response("Not Found", { status: 404 });
}

export default function NotFound() {
  return null;
}
