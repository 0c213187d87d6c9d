using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PairDb.Migrations.Schema
{
    /// <summary>
    /// storage_nodes learns how each node is dialled: <c>http</c> (every node registered so far) or <c>https</c>
    /// (a secure cluster: TLS with member certificates of the cluster CA).
    /// </summary>
    public partial class NodeScheme : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "scheme",
                table: "storage_nodes",
                type: "text",
                nullable: false,
                defaultValue: "http");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "scheme",
                table: "storage_nodes");
        }
    }
}
