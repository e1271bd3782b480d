import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listUsers } from "../../server/domain/users";
import { ActiveBadge } from "../components/Badge";
import { ScrollingTable } from "../components/Responsive";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "users:manage");
  return { users: await listUsers(context.db, user) };
}

export const meta: MetaFunction = (args) => pageTitle(args, "users.title");

export default function Users() {
  const t = useT();
  const { users } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <div className="page-heading">
        <h1>{t("users.title")}</h1>
        <Link to="/admin/anvandare/ny" className="button">
          {t("users.create")}
        </Link>
      </div>
      <ScrollingTable label={t("users.title")}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("users.name")}</th>
              <th scope="col">{t("users.email")}</th>
              <th scope="col">{t("users.roles")}</th>
              <th scope="col">{t("users.departments")}</th>
              <th scope="col">{t("users.status")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row">
                  <Link
                    to={`/admin/anvandare/${user.id}`}
                    aria-label={t("users.edit", { name: user.name })}
                  >
                    {user.name}
                  </Link>
                </th>
                <td>{user.email}</td>
                <td>{user.roles.map((role) => t(`role.${role}`)).join(", ")}</td>
                <td>{user.departmentNames.join(", ") || t("users.none")}</td>
                <td>
                  <ActiveBadge
                    active={user.active}
                    labels={{ active: t("users.active"), inactive: t("users.inactive") }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
    </div>
  );
}
