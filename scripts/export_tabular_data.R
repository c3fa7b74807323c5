# Exports the regression data sets of issue 32 from Debian's r-cran-modeldata (run by
# scripts/make_data.sh): ames (2,930 home sales in Ames, Iowa, 74 columns) and car_prices
# (804 used cars). Each gets a CSV with a row_number (1-based, the package's order) and a
# .sql file that creates its table with the columns' types and loads the CSV.
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "data"
suppressMessages(library(modeldata))
data(ames, package = "modeldata")
data(car_prices, package = "modeldata")
for (name in c("ames", "car_prices")) {
  d <- as.data.frame(get(name))
  d <- cbind(row_number = seq_len(nrow(d)), d)
  names(d) <- tolower(names(d))
  write.csv(d, file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "", fileEncoding = "UTF-8")
  type <- function(col) {
    if (is.logical(col)) "boolean" else if (is.integer(col)) "integer" else if (is.numeric(col)) "double precision" else "text"
  }
  cols <- paste(sprintf("%s %s", names(d), vapply(d, type, "")), collapse = ", ")
  sql <- c(sprintf("DROP TABLE IF EXISTS public.%s;", name),
           sprintf("CREATE TABLE public.%s (%s);", name, cols),
           sprintf("\\copy public.%s FROM 'data/%s.csv' WITH (FORMAT csv, HEADER true)", name, name))
  writeLines(sql, file.path(out, paste0(name, ".sql")))
  cat(sprintf("data: %s.csv (%d rows, %d columns)\n", name, nrow(d), ncol(d)))
}
