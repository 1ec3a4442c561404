// The one API client: GET /api/<path> with its parameters, JSON back or an ApiError.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(path, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const response = await fetch(`/api/${path}${query.size ? `?${query}` : ''}`);
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new ApiError(response.status, body?.error?.message ?? response.statusText);
  return body;
}
